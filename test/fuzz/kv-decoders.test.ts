// Goal: the kv decoders (write-set domains, snapshots) are total on mutated inputs: each case
// ends in success on a canonical input or in FormatError — never another exception or a hang.
// Method: a few thousand seeded mutations of valid encodings (kv-mutator.ts); the long run with
// ≥ 100,000 cases is `npm run fuzz:kv`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runKvFuzz } from './kv-mutator.js';

describe('kv decoders under mutation', () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: 2,000 cases end in success or FormatError`, () => {
      const stats = runKvFuzz(seed, 2000, () => performance.now());
      assert.equal(stats.cases, 2000);
      assert.ok(stats.rejected > stats.cases / 2, 'most mutations are rejected');
      assert.ok(stats.accepted > 0, 'some mutations stay valid');
    });
  }
});
