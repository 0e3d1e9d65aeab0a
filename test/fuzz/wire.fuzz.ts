// wire.fuzz.ts: the long wire fuzz run (`npm run fuzz:wire [-- --seed=N --cases=N]`), default
// 100,000 cases (Raft messages and frame streams) from a seed given or derived from the clock;
// prints the seed to replay.
import { runWireFuzz } from './wire-mutator.js';

function option(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
}

const seed = option('seed') ?? Date.now() % 1_000_000_000;
const caseCount = option('cases') ?? 100_000;
console.log(`fuzz:wire seed=${seed} cases=${caseCount}`);
const started = performance.now();
const stats = runWireFuzz(seed, caseCount, () => performance.now());
const elapsedMs = performance.now() - started;
console.log(
  `ok: ${stats.cases} cases (${stats.accepted} accepted, ${stats.rejected} rejected, ` +
    `${stats.framesDecoded} frames decoded) in ${(elapsedMs / 1000).toFixed(1)} s; ` +
    `slowest case ${stats.caseMsMaxSeen.toFixed(2)} ms`,
);
