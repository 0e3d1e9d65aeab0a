// kv-fuzz.ts: the long kv decoder fuzz run (`npm run fuzz:kv [-- --seed=N --cases=N]`), default
// 100,000 cases from a seed given or derived from the clock; prints the seed to replay.
import { runKvFuzz } from './kv-mutator.js';

function option(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
}

const seed = option('seed') ?? Date.now() % 1_000_000_000;
const caseCount = option('cases') ?? 100_000;
console.log(`fuzz:kv seed=${seed} cases=${caseCount}`);
const started = performance.now();
const stats = runKvFuzz(seed, caseCount, () => performance.now());
const elapsedMs = performance.now() - started;
console.log(
  `ok: ${stats.cases} cases (${stats.accepted} accepted, ${stats.rejected} FormatError) in ` +
    `${(elapsedMs / 1000).toFixed(1)} s; slowest case ${stats.caseMsMaxSeen.toFixed(2)} ms`,
);
