// Goal: no safety, ledger, receipt, linearizability or liveness violation in seeds 501..1000 of the deterministic
// cluster simulator running the full node stack.
// Method: each seed derives cluster size (3/5/7), faults, byte disks, clocks and a KV client workload on real
// NodeMachines; every checker runs after every event, the client history is checked for linearizability at
// the end, and a liveness phase must commit a new write on all voters. One of four parallel slices (2,000 seeds).
import { before, test } from 'node:test';
import { prepareSimIdentities } from './sim-identities.js';
import { sweepSeeds } from './sweep.js';

before(async () => {
  await prepareSimIdentities();
});

test('simulator sweep: seeds 501..1000 have no violation', () => {
  sweepSeeds(501, 500);
});
