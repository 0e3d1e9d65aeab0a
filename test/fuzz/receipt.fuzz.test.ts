// Goal: the receipt parser and verifier are total: mutated receipts end in a typed error or a
// result, never a crash, and no mutant verifies with a different root. Method: the seeded
// mutator in receipt.fuzz.ts, 3,000 cases over fixed seeds (the long run: npm run fuzz:receipt).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runReceiptFuzz } from './receipt.fuzz.js';

describe('receipt fuzz (short run)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 1,000 cases without crashes`, () => {
      const stats = runReceiptFuzz({ seed, cases: 1000 });
      assert.deepEqual(stats.crashes, []);
      assert.equal(stats.cases, 1000);
      assert.ok(stats.formatErrors + Object.values(stats.rejectedByCode).reduce((a, b) => a + b, 0) > 500);
    });
  }
});
