// ledger-fuzz.ts: the long ledger decoder fuzz run (`npm run fuzz:ledger [-- --seed=N --cases=N]`),
// default 100,000 cases; prints the seed to replay.
import { runLedgerFuzz } from './ledger-mutator.js';

function option(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
}

const seed = option('seed') ?? Date.now() % 1_000_000_000;
const caseCount = option('cases') ?? 100_000;
console.log(`fuzz:ledger seed=${seed} cases=${caseCount}`);
const started = performance.now();
const stats = runLedgerFuzz(seed, caseCount, () => performance.now());
console.log(
  `ok: ${stats.cases} cases (${stats.accepted} accepted, ${stats.rejected} typed errors) in ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s; slowest case ${stats.caseMsMaxSeen.toFixed(2)} ms`,
);
