// Live mode (`npm start`): a 3-node cluster of the real consensus core, run in scaled real time,
// printing elections, commits and injected faults as they happen, until Ctrl-C. This is the ONLY
// file in test/sim that uses a real timer; the simulation itself stays a pure function of its seed.
import { deriveOptions } from './options.js';
import { Simulation } from './simulation.js';

/** LIVE_SLOWDOWN: one virtual millisecond takes this many real milliseconds. */
const LIVE_SLOWDOWN = 4;
const FRAME_MS_REAL = 50;

/** runLive runs seed `seedOrNull` (default: from the wall clock) forever, printing as it goes. */
export function runLive(seedOrNull: number | null): void {
  const seed = seedOrNull ?? Date.now() % 1_000_000;
  const base = deriveOptions(seed, { nodeCount: 3, safetyTicks: Number.POSITIVE_INFINITY });
  const options = {
    ...base,
    proposalCountMax: Number.POSITIVE_INFINITY,
    proposalIntervalMsMean: 200,
    crashIntervalMsMean: 4000,
    restartDelayMsMax: 1500,
    network: { ...base.network, partitionIntervalMsMean: 3000 },
  };
  let lastCommit = 0;
  const sim = new Simulation(options, (t, line) => console.log(`[${(t / 1000).toFixed(2).padStart(8)} s] ${line}`));
  console.log(`live simulation: 3 nodes, seed ${seed}, 1 virtual ms = ${LIVE_SLOWDOWN} real ms; Ctrl-C to stop`);
  const startedMs = Date.now();
  const timer = setInterval(() => {
    sim.runUntil((Date.now() - startedMs) / LIVE_SLOWDOWN);
    const commit = sim.checker.committed.commitSeqno;
    if (commit > lastCommit) {
      const primary = sim.primary();
      console.log(
        `[${(sim.nowMs / 1000).toFixed(2).padStart(8)} s] committed up to seqno ${commit}` +
          (primary === null ? '' : ` (primary ${primary.id}, view ${primary.view})`),
      );
      lastCommit = commit;
    }
    if (sim.violation !== null) {
      console.log(`VIOLATION ${sim.violation.kind}: ${sim.violation.message}`);
      clearInterval(timer);
      process.exitCode = 1;
    }
  }, FRAME_MS_REAL);
  process.on('SIGINT', () => {
    clearInterval(timer);
    console.log(`\nstopped at ${(sim.nowMs / 1000).toFixed(2)} s virtual; ${sim.describe()}`);
    process.exit(0);
  });
}
