// Goal: the checkers catch each deliberate bug within a bounded number of seeds — the four consensus-core
// bugs (RaftOptions.bugs) and the workload bug `stale-read-at-backup` (reads served from a backup's local
// store, recorded as linearizable) — and the simulator is deterministic (same seed -> same trace hash).
// Method: run seeds 1.. with one bug switched on until a violation of an expected kind appears (liveness
// failures are skipped); record and print how many seeds it took; run a few seeds twice and compare trace
// hashes and stats (ECDSA signatures differ between the two runs: the trace must not depend on them).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { SimBugName } from './options.js';
import { runSeed } from './run.js';
import { prepareSimIdentities } from './sim-identities.js';

const SEEDS_MAX = 200;

const EXPECTED: ReadonlyArray<readonly [SimBugName, readonly string[]]> = [
  ['commit-without-quorum', ['leader-completeness', 'state-machine-safety', 'committed-rolled-back', 'log-matching']],
  ['vote-without-log-check', ['leader-completeness', 'state-machine-safety', 'committed-rolled-back', 'log-matching']],
  ['no-rollback-on-election', ['view-start-not-signature']],
  ['commit-non-signature', ['commit-not-signature']],
  ['stale-read-at-backup', ['linearizability']],
];

before(async () => {
  await prepareSimIdentities();
});

for (const [bug, kinds] of EXPECTED) {
  test(`checkers catch the '${bug}' bug within ${SEEDS_MAX} seeds`, () => {
    for (let seed = 1; seed <= SEEDS_MAX; seed++) {
      const v = runSeed(seed, { bug }).violation;
      if (v === null || v.kind === 'liveness') continue;
      console.log(`bug ${bug}: caught at seed ${seed} (${seed} seeds) as ${v.kind}: ${v.message.slice(0, 200)}`);
      assert.ok(kinds.includes(v.kind), `unexpected violation kind ${v.kind} for ${bug}: ${v.message}`);
      return;
    }
    assert.fail(`bug ${bug} not caught within ${SEEDS_MAX} seeds`);
  });
}

test('same seed twice gives the same trace hash (replay is exact)', () => {
  for (const seed of [1, 2, 3, 17, 42]) {
    const a = runSeed(seed);
    const b = runSeed(seed);
    assert.equal(a.traceHash, b.traceHash, `seed ${seed}`);
    assert.deepEqual(a.stats, b.stats);
    assert.notEqual(runSeed(seed + 1000).traceHash, a.traceHash);
  }
  const bugged = runSeed(3, { bug: 'commit-without-quorum' });
  assert.equal(runSeed(3, { bug: 'commit-without-quorum' }).traceHash, bugged.traceHash);
});
