// Goal: check that bench:cluster runs end to end — etcd cluster, Consort sandbox, both baselines,
// the table and the JSON — without judging the numbers. Method: run the benchmark with 1 s per
// point (1 s warm-up, no profile) into a temp JSON file, then assert every row that ran has
// successful operations, the markdown table was printed, and no process we started is left.
// Not part of `npm test` (it takes about a minute): `npm run bench:cluster:smoke`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Row } from './report.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'consort-cluster-smoke-'));
const out = join(dir, 'cluster.json');
try {
  const run = spawnSync(
    process.execPath,
    [
      ...['--import', 'tsx', join(repoRoot, 'bench/cluster.bench.ts')],
      ...['--seconds', '1', '--warmup', '1', '--no-profile', '--port-base', '27500'],
      ...['--out', out],
    ],
    { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  process.stdout.write(run.stdout);
  // Exit code 1 also means a system failed (its rows say `failed: ...`); pending/skipped is fine.
  assert.equal(run.status, 0, `bench exited with ${run.status}`);
  assert.match(run.stdout, /\| workload \| in flight \| system \| ops\/s/);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[] };
  const ran = report.rows.filter((r) => r.status === 'ok');
  assert.ok(ran.some((r) => r.system === 'node:https') && ran.some((r) => r.system === 'fastify'));
  for (const row of ran) {
    const what = `${row.system} ${row.workload} @${row.inFlight}`;
    // With 1 s windows a slow point may finish nothing inside the window (e.g. Consort writes at
    // 256 in flight on a fresh sandbox): that is a result, not a harness failure; no progress is.
    assert.ok(row.okTotal > 0, `${what}: no successful operation at all`);
    if (row.okCount === 0) console.log(`smoke: note: ${what} finished nothing inside its window`);
    assert.equal(row.errorCount, 0, `${what}: ${row.firstError}`);
  }
  const skipped = report.rows
    .filter((r) => r.status !== 'ok')
    .map((r) => `${r.system} ${r.workload}: ${r.status}`);
  const notRun = skipped.length === 0 ? '' : `, ${skipped.length} not run (${skipped.join('; ')})`;
  console.log(`\nsmoke: ${ran.length} rows ran${notRun}`);
  const pattern = 'consort-cluster-bench-|baseline-server.ts';
  const left = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
  assert.equal(left.stdout.trim(), '', `processes left behind: ${left.stdout}`);
  console.log('smoke: 1 passed, 0 failed');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
