// Goal: the ledger decoders (chunk records, entries, ledger snapshots, signature domains, snapshot
// files, hard-state slots) are total: every mutated input ends in success or a ConsortError.
// Method: 3,000 seeded mutations of valid encodings (ledger-mutator.ts); the long run with
// >= 100,000 cases is `npm run fuzz:ledger`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLedgerFuzz } from './ledger-mutator.js';

describe('ledger decoders under mutation', () => {
  it('seed 1: 3,000 cases end in success or a typed error', () => {
    const stats = runLedgerFuzz(1, 3000, () => performance.now());
    assert.equal(stats.cases, 3000);
    assert.ok(stats.rejected > 1000, `rejected ${stats.rejected}`);
    assert.ok(stats.accepted > 0);
  });
});
