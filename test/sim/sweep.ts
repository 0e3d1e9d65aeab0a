// sweepSeeds: the body of the sweep test files (each file runs one slice, so node:test runs the
// slices in parallel). A failure lists every failing seed with its replay command.
import assert from 'node:assert/strict';
import { replayCommand, runSeed } from './run.js';

/** sweepSeeds runs seeds [start, start + count) and fails listing every violation. */
export function sweepSeeds(start: number, count: number): void {
  const failures: string[] = [];
  const kinds = new Map<string, number>();
  let events = 0;
  let ops = 0;
  let receipts = 0;
  let tornCuts = 0;
  let crashes = 0;
  const startedMs = performance.now();
  for (let seed = start; seed < start + count; seed++) {
    const result = runSeed(seed);
    events += result.stats.events;
    ops += result.stats.clientOps;
    receipts += result.stats.receipts;
    tornCuts += result.stats.tornCuts;
    crashes += result.stats.crashes;
    const v = result.violation;
    if (v === null) continue;
    kinds.set(v.kind, (kinds.get(v.kind) ?? 0) + 1);
    failures.push(`seed ${seed}: ${v.kind}: ${v.message}\n    replay: ${replayCommand(seed)}`);
  }
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
  console.log(
    `sweep ${start}..${start + count - 1}: ${count} seeds, ${events} events, ${ops} client ops, ` +
      `${receipts} receipts verified, ${crashes} crashes, ${tornCuts} torn tails cut, ${seconds} s, ` +
      `${failures.length} violations`,
  );
  assert.equal(failures.length, 0, `violations by kind ${JSON.stringify([...kinds])}:\n${failures.join('\n')}`);
}
