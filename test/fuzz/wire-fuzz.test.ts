// Goal: the wire decoders (Raft messages, frame streams, hello) are total under mutation: every
// mutated input decodes canonically or fails with FormatError/LimitExceededError, quickly.
// Method: 4,000 seeded cases of runWireFuzz (the long run is `npm run fuzz:wire`) at fixed seeds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runWireFuzz } from './wire-mutator.js';

test('wire fuzz: 4,000 cases over two fixed seeds', () => {
  for (const seed of [1, 20261126]) {
    const stats = runWireFuzz(seed, 2000, () => performance.now());
    assert.equal(stats.cases, 2000);
    assert.ok(stats.accepted > 0, 'some mutants stay valid');
    assert.ok(stats.rejected > 0, 'some mutants are rejected');
    assert.ok(stats.framesDecoded > 0, 'streams yield frames');
  }
});
