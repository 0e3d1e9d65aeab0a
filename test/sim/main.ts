// `npm run sim -- --seeds N [--start S] [--nodes K] [--bug NAME] [--ticks T] [--verbose] [--live]`
// Runs seeds start..start+N-1; prints each violation with its seed and a one-line replay command.
// Exit code 0 iff no violation. The last line is exactly `sim: <N> seeds, <V> violations`.
import { parseArgs } from 'node:util';
import { runLive } from './live.js';
import { SIM_BUGS, type SimBugName } from './options.js';
import { type RunOptions, replayCommand, runSeed } from './run.js';
import { prepareSimIdentities } from './sim-identities.js';

function parseIntArg(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`sim: --${name} must be a non-negative integer, got ${value}`);
    process.exit(2);
  }
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      start: { type: 'string' },
      nodes: { type: 'string' },
      bug: { type: 'string' },
      ticks: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
    },
  });
  if (values.live) {
    runLive(values.start === undefined ? null : parseIntArg('start', values.start, 0));
    return;
  }
  const seeds = parseIntArg('seeds', values.seeds, 100);
  const start = parseIntArg('start', values.start, 1);
  const nodes = values.nodes === undefined ? undefined : parseIntArg('nodes', values.nodes, 3);
  if (nodes !== undefined && (nodes < 1 || nodes > 9)) {
    console.error('sim: --nodes must be between 1 and 9');
    process.exit(2);
  }
  const bug = values.bug as SimBugName | undefined;
  if (bug !== undefined && !SIM_BUGS.includes(bug)) {
    console.error(`sim: unknown --bug ${bug}; known: ${SIM_BUGS.join(', ')}`);
    process.exit(2);
  }
  const ticks = values.ticks === undefined ? undefined : parseIntArg('ticks', values.ticks, 400);
  const run: RunOptions = {
    ...(nodes === undefined ? {} : { nodeCount: nodes }),
    ...(bug === undefined ? {} : { bug }),
    ...(ticks === undefined ? {} : { safetyTicks: ticks }),
    ...(values.verbose && seeds === 1
      ? { logger: (t: number, line: string) => console.log(`  [${t.toFixed(2).padStart(9)} ms] ${line}`) }
      : {}),
  };
  let violations = 0;
  for (let seed = start; seed < start + seeds; seed++) {
    const result = runSeed(seed, run);
    if (values.verbose) {
      const s = result.stats;
      console.log(
        `seed ${seed}: nodes=${result.options.nodeCount} trace=${result.traceHash} events=${s.events} ` +
          `msgs=${s.messages} malformed=${s.malformed} elections=${s.elections} commit=${s.commitSeqno} crashes=${s.crashes} ` +
          `partitions=${s.partitions} snapshots=${s.snapshots} reconfig=${s.reconfigSteps} ` +
          `ops=${s.clientOps} reads=${s.reads} receipts=${s.receipts}/${s.receiptsUnavailable} ` +
          `kv=${s.kvDigests} torn=${s.tornCuts} ` +
          `virtual=${s.virtualMs}ms ${result.violation === null ? 'ok' : 'VIOLATION'}`,
      );
      for (const note of result.notes) console.log(`  note: ${note}`);
    }
    if (result.violation !== null) {
      violations++;
      const v = result.violation;
      console.log(`seed ${seed}: ${v.kind} at ${v.atMs.toFixed(2)} ms (event ${v.eventIndex}): ${v.message}`);
      console.log(`  replay: ${replayCommand(seed, run)}`);
    } else if (!values.verbose && (seed - start + 1) % 1000 === 0) {
      console.log(`... ${seed - start + 1} seeds, ${violations} violations`);
    }
  }
  console.log(`sim: ${seeds} seeds, ${violations} violations`);
  process.exitCode = violations === 0 ? 0 : 1;
}

await prepareSimIdentities();
main();
