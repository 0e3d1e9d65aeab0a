// Goal: no safety or liveness violation in seeds 1..500 of the deterministic cluster simulator.
// Method: each seed derives cluster size (3/5/7), faults, disk, clocks and workload; every checker runs after
// every event; a liveness phase must commit a new proposal on all voters. One of four parallel slices (2,000 seeds).
import { test } from 'node:test';
import { sweepSeeds } from './sweep.js';

test('simulator sweep: seeds 1..500 have no violation', () => {
  sweepSeeds(1, 500);
});
