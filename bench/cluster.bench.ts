// bench:cluster — Consort vs etcd on the same machine (Consort issue 4 §4). Starts a 3-member
// etcd cluster and a 3-node Consort sandbox on loopback (one at a time, each alone on the machine),
// drives the same closed-loop workload (32-byte keys, 256-byte values; 1, 64 and 256 requests in
// flight) and reads at 64 in flight, compares reads with a bare node:https server and fastify
// answering a constant, and writes a markdown table + bench/results/cluster-<date>.json.
// Options: --seconds N (per point, default 15), --warmup N (default 3), --quick (3 s + 1 s),
// --skip-etcd, --skip-consort, --no-profile, --port-base N (default 27100), --out FILE.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup, sleep } from './cluster/cleanup.js';
import { type ClosedLoopResult, type Operation, runClosedLoop } from './cluster/closed-loop.js';
import {
  type ConsortCluster,
  sandboxCommandExists,
  startConsortSandbox,
} from './cluster/consort.js';
import { summariseProfiles } from './cluster/cpu-profile.js';
import { EtcdClient } from './cluster/etcd-client.js';
import { ensureEtcd, startEtcdCluster } from './cluster/etcd.js';
import { type ClientTls, HttpsTarget } from './cluster/https-client.js';
import { CpuProbe, type CpuShare } from './cluster/proc-cpu.js';
import {
  markdown,
  missingRow,
  type ProfileReport,
  type Row,
  type System,
  targets,
  type Workload,
} from './cluster/report.js';
import { openServiceWorkspace } from '../src/cli/runtime/workspace.js';

const repoRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    quick: { type: 'boolean' },
    'skip-etcd': { type: 'boolean' },
    'skip-consort': { type: 'boolean' },
    'no-profile': { type: 'boolean' },
    'port-base': { type: 'string' },
    out: { type: 'string' },
  },
});
const seconds = Number(values.seconds ?? (values.quick === true ? 3 : 15));
const warmupS = Number(values.warmup ?? (values.quick === true ? 1 : Math.min(3, seconds)));
const portBase = Number(values['port-base'] ?? 27100);
const badArgs = !(seconds > 0 && seconds <= 600) || !(warmupS >= 0 && warmupS <= 120);
if (badArgs || !Number.isInteger(portBase)) {
  console.error('bench:cluster: --seconds in (0, 600], --warmup in [0, 120], --port-base integer');
  process.exit(2);
}
const writeInFlight = [1, 64, 256] as const;
const readInFlight = 64;
const keyBytes = 32;
const valueBytes = 256;
const writeKeyspace = 100_000;
const readKeyspace = 1000;
const ports = {
  etcdClient: portBase,
  etcdPeer: portBase + 10,
  consort: portBase + 100,
  consortProfile: portBase + 110,
  bare: portBase + 200,
  fastify: portBase + 201,
};

const preloadUrl = new URL('./cluster/cpu-prof-preload.mjs', import.meta.url).href;
const log = (line: string): void => console.error(line);
const cleanup = new Cleanup();
cleanup.install();
const root = mkdtempSync(join(tmpdir(), 'consort-cluster-bench-'));
cleanup.trackDir(root);
const rows: Row[] = [];
const value = 'v'.repeat(valueBytes);
const valueBytesArray = new TextEncoder().encode(value);
/** etcdKey is `k` + the id in decimal, zero-padded to 32 bytes. */
const etcdKey = (i: number): Uint8Array =>
  new TextEncoder().encode(`k${String(i).padStart(keyBytes - 1, '0')}`);

/** measure runs one closed-loop point, sampling the CPU of `processes` and of this process. */
async function measure(
  system: System,
  workload: Workload,
  inFlight: number,
  op: Operation,
  processes: readonly { name: string; pid: number }[],
): Promise<Row> {
  const probe = new CpuProbe([...processes, { name: 'client', pid: process.pid }]);
  let cpu: CpuShare[] = [];
  const result: ClosedLoopResult = await runClosedLoop(op, {
    inFlight,
    warmupMs: warmupS * 1000,
    durationMs: seconds * 1000,
    onMeasureStart: () => probe.begin(),
    onMeasureEnd: () => {
      cpu = probe.end();
    },
  });
  const row: Row = {
    system,
    workload,
    inFlight,
    status: 'ok',
    opsPerS: result.opsPerS,
    p50Ms: result.latency.p50Us / 1000,
    p99Ms: result.latency.p99Us / 1000,
    p999Ms: result.latency.p999Us / 1000,
    okCount: result.okCount,
    errorCount: result.errorCount,
    okTotal: result.okTotal,
    firstError: result.firstError,
    cpu,
  };
  const firstError = row.firstError === null ? '' : ` (${row.firstError})`;
  log(
    `  ${system} ${workload} @${inFlight}: ${row.opsPerS.toFixed(0)} ops/s, ` +
      `p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms, ` +
      `errors ${row.errorCount}${firstError}`,
  );
  rows.push(row);
  return row;
}

async function prepopulate(count: number, put: (i: number) => Promise<boolean>): Promise<void> {
  for (let i = 0; i < count; i += 64) {
    await Promise.all(Array.from({ length: Math.min(64, count - i) }, (_, j) => put(i + j)));
  }
}

async function benchEtcd(): Promise<string> {
  const binary = ensureEtcd(log);
  if (binary === null) {
    for (const n of writeInFlight) rows.push(missingRow('etcd', 'write', n, 'skipped: no etcd'));
    return 'not installed';
  }
  log('etcd: starting a 3-member cluster');
  const dir = join(root, 'etcd');
  mkdirSync(dir);
  const cluster = await startEtcdCluster({
    binary,
    dir,
    clientPortBase: ports.etcdClient,
    peerPortBase: ports.etcdPeer,
    cleanup,
  });
  const processes = cluster.members.map((m) => ({
    name: m === cluster.leader ? `${m.name}*` : m.name,
    pid: m.pid,
  }));
  const client = new EtcdClient(cluster.leader.clientUrl);
  const put = (i: number): Promise<boolean> => client.put(etcdKey(i), valueBytesArray);
  const range = (i: number, serializable: boolean): Promise<boolean> =>
    client.range(etcdKey(i), serializable);
  try {
    for (const n of writeInFlight) {
      await measure('etcd', 'write', n, (seq) => put(seq % writeKeyspace), processes);
    }
    await prepopulate(readKeyspace, put);
    const lin: Operation = (seq) => range(seq % readKeyspace, false);
    await measure('etcd', 'read linearizable', readInFlight, lin, processes);
    const ser: Operation = (seq) => range(seq % readKeyspace, true);
    await measure('etcd', 'read serializable', readInFlight, ser, processes);
  } finally {
    client.close();
    await Promise.all(cluster.members.map((m) => cleanup.stop(m.pid)));
  }
  return cluster.version;
}

const writeBody = (seq: number): string => `{"id":${seq % writeKeyspace},"msg":"${value}"}`;
const writePath = '/app/log/public?wait_for_commit=true';
const readPath = (seq: number): string => `/app/log/public?id=${seq % readKeyspace}`;

async function withTarget<T>(
  origin: string,
  tls: ClientTls,
  connections: number,
  f: (t: HttpsTarget) => Promise<T>,
): Promise<T> {
  const target = new HttpsTarget(origin, tls, connections);
  try {
    return await f(target);
  } finally {
    await target.close();
  }
}

function consortProcesses(cluster: ConsortCluster): { name: string; pid: number }[] {
  return cluster.nodes.map((n) => ({
    name: n === cluster.primary ? `${n.name}*` : n.name,
    pid: n.pid,
  }));
}

async function benchConsort(): Promise<string | null> {
  const pendingWhy = 'pending: consort sandbox not available';
  if (!sandboxCommandExists(repoRoot)) {
    for (const n of writeInFlight) rows.push(missingRow('consort', 'write', n, pendingWhy));
    rows.push(missingRow('consort', 'read linearizable', readInFlight, pendingWhy));
    rows.push(missingRow('consort', 'read local', readInFlight, pendingWhy));
    return null;
  }
  log('consort: starting a 3-node sandbox');
  const workspace = join(root, 'consort');
  const port = ports.consort;
  const cluster = await startConsortSandbox({ repoRoot, workspace, port, count: 3, cleanup });
  log(`consort: primary ${cluster.primary.name} at ${cluster.primary.origin}`);
  const processes = consortProcesses(cluster);
  try {
    for (const n of writeInFlight) {
      await withTarget(cluster.primary.origin, cluster.tls, n, (t) =>
        measure('consort', 'write', n, (seq) => t.postJson(writePath, writeBody(seq)), processes),
      );
    }
    await withTarget(cluster.primary.origin, cluster.tls, readInFlight, async (t) => {
      await prepopulate(readKeyspace, (i) => t.postJson(writePath, writeBody(i)));
      const lin: Operation = (seq) => t.get(`${readPath(seq)}&consistency=linearizable`);
      await measure('consort', 'read linearizable', readInFlight, lin, processes);
      const local: Operation = (seq) => t.get(readPath(seq));
      await measure('consort', 'read local', readInFlight, local, processes);
    });
  } finally {
    await cleanup.stop(cluster.sandboxPid, 10_000);
  }
  return join(workspace, 'node0');
}

/** startBaseline runs baseline-server.ts as its own process and waits for `ready`. */
async function startBaseline(
  kind: 'bare' | 'fastify',
  port: number,
  certDir: string,
): Promise<number> {
  const script = join(repoRoot, 'bench/cluster/baseline-server.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, kind, String(port), certDir],
    { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pid = cleanup.track(`baseline ${kind}`, child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  const deadline = Date.now() + 30_000;
  while (!out.includes('ready')) {
    if (child.exitCode !== null) throw new Error(`baseline ${kind} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`baseline ${kind} did not start`);
    await sleep(50);
  }
  return pid;
}

async function benchBaselines(certDir: string): Promise<void> {
  const tls: ClientTls = {
    caPem: readFileSync(join(certDir, 'service_cert.pem'), 'utf8'),
    certPem: readFileSync(join(certDir, 'user0_cert.pem'), 'utf8'),
    keyPem: readFileSync(join(certDir, 'user0_privk.pem'), 'utf8'),
  };
  for (const [kind, system, port] of [
    ['bare', 'node:https', ports.bare],
    ['fastify', 'fastify', ports.fastify],
  ] as const) {
    log(`baseline: ${system}`);
    const pid = await startBaseline(kind, port, certDir);
    try {
      await withTarget(`https://127.0.0.1:${port}`, tls, readInFlight, (t) =>
        measure(system, 'read constant', readInFlight, (seq) => t.get(readPath(seq)), [
          { name: kind, pid },
        ]),
      );
    } finally {
      await cleanup.stop(pid);
    }
  }
}

/**
 * profileConsort reruns one workload at 64 in flight on a fresh sandbox whose nodes load
 * cpu-prof-preload.mjs, starts the primary's profiler after the warm-up, and summarises it.
 */
async function profileConsort(
  workload: 'write' | 'read local',
  index: number,
): Promise<ProfileReport> {
  const profileDir = mkdtempSync(join(tmpdir(), 'consort-cluster-profile-'));
  cleanup.trackDir(profileDir); // kept (untracked) once the report points to it
  const workspace = join(root, `consort-profile-${index}`);
  log(`profile: ${workload} at 64 in flight under the V8 profiler (${profileDir})`);
  const cluster = await startConsortSandbox({
    repoRoot,
    workspace,
    port: ports.consortProfile + index * 3,
    count: 3,
    cleanup,
    // node 20 refuses --cpu-prof in NODE_OPTIONS: a preload starts the profiler in each node.
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preloadUrl}`.trim(),
      CONSORT_BENCH_CPU_PROF_DIR: profileDir,
    },
  });
  const durationMs = Math.min(seconds, 10) * 1000;
  try {
    await withTarget(cluster.primary.origin, cluster.tls, readInFlight, async (t) => {
      if (workload === 'read local') {
        await prepopulate(readKeyspace, (i) => t.postJson(writePath, writeBody(i)));
      }
      const op: Operation =
        workload === 'write'
          ? (seq) => t.postJson(writePath, writeBody(seq))
          : (seq) => t.get(readPath(seq));
      // The preload starts the primary's profiler on SIGUSR2, after the warm-up.
      const startProfiler = (): void => {
        process.kill(cluster.primary.pid, 'SIGUSR2');
      };
      await runClosedLoop(op, {
        inFlight: readInFlight,
        warmupMs: warmupS * 1000,
        durationMs,
        onMeasureStart: startProfiler,
      });
    });
  } finally {
    await cleanup.stop(cluster.sandboxPid, 15_000);
  }
  return {
    workload: `${workload} at 64 in flight for ${durationMs / 1000} s`,
    primaryPid: cluster.primary.pid,
    dir: profileDir,
    summary: summariseProfiles(profileDir, repoRoot, cluster.primary.pid, 15),
  };
}

const expectedRows: Record<'etcd' | 'consort', readonly (readonly [Workload, number])[]> = {
  etcd: [
    ...writeInFlight.map((n) => ['write', n] as const),
    ['read linearizable', readInFlight],
    ['read serializable', readInFlight],
  ],
  consort: [
    ...writeInFlight.map((n) => ['write', n] as const),
    ['read linearizable', readInFlight],
    ['read local', readInFlight],
  ],
};

/**
 * guarded runs one system's phase; if it throws, the error is reported, the rows it did not
 * produce are marked failed, and the benchmark goes on with the next system.
 */
async function guarded<T>(
  system: 'etcd' | 'consort',
  phase: () => Promise<T>,
  onError: T,
): Promise<T> {
  try {
    return await phase();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${system}: failed: ${message}`);
    // Phases run one at a time and stop their processes when done: whatever runs now is theirs.
    await cleanup.stopProcesses();
    for (const [workload, n] of expectedRows[system]) {
      const has = rows.some(
        (r) => r.system === system && r.workload === workload && r.inFlight === n,
      );
      if (!has) rows.push(missingRow(system, workload, n, `failed: ${message.slice(0, 80)}`));
    }
    return onError;
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  log(`bench:cluster: ${seconds} s per point after ${warmupS} s warm-up; temp ${root}`);
  const etcdVersion =
    values['skip-etcd'] === true ? 'skipped' : await guarded('etcd', benchEtcd, 'failed');
  let certDir =
    values['skip-consort'] === true ? null : await guarded('consort', benchConsort, null);
  if (certDir === null) {
    // Baselines need a certificate setup like a node's: make a throwaway workspace.
    certDir = join(root, 'baseline-workspace');
    await openServiceWorkspace(certDir);
  }
  await benchBaselines(certDir);
  const goals = targets(rows);
  const profiles: ProfileReport[] = [];
  const consortRan = sandboxCommandExists(repoRoot) && values['skip-consort'] !== true;
  if (values['no-profile'] !== true && consortRan) {
    const writesShort = goals.some((g) => g.name.startsWith('write') && g.met === false);
    const readsShort = goals.some((g) => g.name.startsWith('read') && g.met === false);
    if (writesShort) profiles.push(await profileConsort('write', 0));
    if (readsShort) profiles.push(await profileConsort('read local', 1));
  }
  const date = new Date().toISOString().slice(0, 10);
  const cpu = cpus();
  const report = {
    benchmark: 'cluster',
    date: new Date().toISOString(),
    machine: {
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      etcd: etcdVersion,
      // Other work on the machine skews every number: the 1-minute load before and after.
      loadAverage1mBefore: loadBefore[0],
      loadAverage1mAfter: loadavg()[0],
    },
    method: {
      secondsPerPoint: seconds,
      warmupSeconds: warmupS,
      keyBytes,
      valueBytes,
      writeKeyspace,
      readKeyspace,
      writeInFlight,
      readInFlight,
    },
    rows,
    targets: goals,
    profiles: profiles.map((p) => ({
      workload: p.workload,
      primaryPid: p.primaryPid,
      dir: p.dir,
      ...p.summary,
    })),
  };
  const out = values.out ?? join(repoRoot, 'bench/results', `cluster-${date}.json`);
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(markdown(rows, goals, profiles));
  console.log(`\nresults: ${out}`);
  if (rows.some((r) => r.status.startsWith('failed'))) process.exitCode = 1;
  for (const p of profiles) cleanup.untrackDir(p.dir);
}

try {
  await main();
} catch (error) {
  console.error('bench:cluster failed:', error);
  process.exitCode = 1;
} finally {
  await cleanup.stopAll();
}
