// runSeed / runSeeds: the batch entry points used by main.ts and the tests. Runs are synchronous;
// the node identities (async X.509 creation) must be loaded first: `await prepareSimIdentities()`.
import { type SimBugName, deriveOptions } from './options.js';
import { type Logger, type RunResult, Simulation } from './simulation.js';

/** RunOptions: what may be pinned for a batch of seeds. */
export interface RunOptions {
  readonly nodeCount?: number;
  readonly bug?: SimBugName;
  readonly safetyTicks?: number;
  readonly logger?: Logger;
}

/** runSeed runs one seed to its end (violation, liveness reached, or liveness bound). */
export function runSeed(seed: number, run: RunOptions = {}): RunResult {
  const options = deriveOptions(seed, {
    ...(run.nodeCount === undefined ? {} : { nodeCount: run.nodeCount }),
    ...(run.bug === undefined ? {} : { bugs: new Set<SimBugName>([run.bug]) }),
    ...(run.safetyTicks === undefined ? {} : { safetyTicks: run.safetyTicks }),
  });
  return new Simulation(options, run.logger ?? null).run();
}

/** replayCommand is the one-line command that reproduces `seed` exactly. */
export function replayCommand(seed: number, run: RunOptions = {}): string {
  const nodes = run.nodeCount === undefined ? '' : ` --nodes ${run.nodeCount}`;
  const bug = run.bug === undefined ? '' : ` --bug ${run.bug}`;
  const ticks = run.safetyTicks === undefined ? '' : ` --ticks ${run.safetyTicks}`;
  return `npm run sim -- --seeds 1 --start ${seed}${nodes}${bug}${ticks} --verbose`;
}

/** firstViolation runs seeds start.. until one has a violation; returns it and how many ran. */
export function firstViolation(
  start: number,
  seedCountMax: number,
  run: RunOptions,
): { result: RunResult | null; seedsRun: number } {
  for (let i = 0; i < seedCountMax; i++) {
    const result = runSeed(start + i, run);
    if (result.violation !== null) return { result, seedsRun: i + 1 };
  }
  return { result: null, seedsRun: seedCountMax };
}
