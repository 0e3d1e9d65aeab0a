// report.ts: the benchmark's rows, the targets of Consort issue 4 §4, and the markdown rendering.
import type { CpuShare } from './proc-cpu.js';
import type { ProfileSummary } from './cpu-profile.js';

export type System = 'etcd' | 'consort' | 'node:https' | 'fastify';
export type Workload =
  | 'write'
  | 'read linearizable'
  | 'read local'
  | 'read serializable'
  | 'read constant';

export interface Row {
  readonly system: System;
  readonly workload: Workload;
  readonly inFlight: number;
  /** status is 'ok', or why the row has no numbers ('pending: ...', 'skipped: ...'). */
  readonly status: string;
  readonly opsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly okCount: number;
  readonly errorCount: number;
  /** okTotal counts successes outside the window too (warm-up, drain). */
  readonly okTotal: number;
  readonly firstError: string | null;
  readonly cpu: readonly CpuShare[];
}

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: number;
  /** met is null when one side of the comparison is missing. */
  readonly met: boolean | null;
}

export interface ProfileReport {
  readonly workload: string;
  readonly primaryPid: number;
  readonly dir: string;
  readonly summary: ProfileSummary;
}

export function missingRow(
  system: System,
  workload: Workload,
  inFlight: number,
  status: string,
): Row {
  return {
    system,
    workload,
    inFlight,
    status,
    opsPerS: Number.NaN,
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
    p999Ms: Number.NaN,
    okCount: 0,
    errorCount: 0,
    okTotal: 0,
    firstError: null,
    cpu: [],
  };
}

function find(
  rows: readonly Row[],
  system: System,
  workload: Workload,
  inFlight: number,
): Row | undefined {
  return rows.find(
    (r) =>
      r.status === 'ok' && r.system === system && r.workload === workload &&
      r.inFlight === inFlight,
  );
}

/** ratioOf returns a/b of a field for two rows, NaN when either is missing. */
function ratio(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined || !(b > 0) ? Number.NaN : a / b;
}

/** referenceOf is the row a row is compared with: etcd for Consort writes, node:https for reads. */
export function referenceOf(rows: readonly Row[], row: Row): Row | undefined {
  if (row.system === 'consort' && row.workload === 'write') {
    return find(rows, 'etcd', 'write', row.inFlight);
  }
  if (row.system !== 'node:https' && row.workload !== 'write' && row.system !== 'etcd') {
    return find(rows, 'node:https', 'read constant', row.inFlight);
  }
  return undefined;
}

/** targets evaluates the goals against the rows. */
export function targets(rows: readonly Row[]): Target[] {
  const out: Target[] = [];
  const met = (value: number, ok: (v: number) => boolean): boolean | null =>
    Number.isNaN(value) ? null : ok(value);
  const add = (name: string, goal: string, measured: number, ok: (v: number) => boolean): void => {
    out.push({ name, goal, measured, met: met(measured, ok) });
  };
  for (const n of [64, 256]) {
    const etcd = find(rows, 'etcd', 'write', n)?.opsPerS;
    const r = ratio(find(rows, 'consort', 'write', n)?.opsPerS, etcd);
    add(`writes/s at ${n} in flight, Consort/etcd`, '>= 1.0', r, (v) => v >= 1);
  }
  const etcdP50 = find(rows, 'etcd', 'write', 1)?.p50Ms;
  const p50 = ratio(find(rows, 'consort', 'write', 1)?.p50Ms, etcdP50);
  add('write p50 at 1 in flight, Consort/etcd', '<= 1.5', p50, (v) => v <= 1.5);
  const bare = find(rows, 'node:https', 'read constant', 64)?.opsPerS;
  for (const workload of ['read local', 'read linearizable'] as const) {
    const r = ratio(find(rows, 'consort', workload, 64)?.opsPerS, bare);
    add(`${workload} ops/s at 64 in flight, Consort/bare HTTPS`, '>= 0.6', r, (v) => v >= 0.6);
  }
  return out;
}

const num = (v: number, digits = 0): string => (Number.isNaN(v) ? '–' : v.toFixed(digits));
const ms = (v: number): string => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));

function cpuCell(cpu: readonly CpuShare[]): string {
  return cpu.map((c) => `${c.name} ${num(c.percent)}`).join(', ');
}

/** markdown renders the rows, the targets and (if any) the profile summaries. */
export function markdown(
  rows: readonly Row[],
  goals: readonly Target[],
  profiles: readonly ProfileReport[],
): string {
  const lines = [
    '| workload | in flight | system | ops/s | p50 ms | p99 ms | p99.9 ms | errors | ratio ' +
      '| CPU % of one core |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    if (row.status !== 'ok') {
      const cells = [row.workload, row.inFlight, row.system, row.status, '', '', '', '', '', ''];
      lines.push(`| ${cells.join(' | ')} |`);
      continue;
    }
    const reference = referenceOf(rows, row);
    const r = reference === undefined ? '' : `${num(row.opsPerS / reference.opsPerS, 2)}×`;
    const cells = [row.workload, row.inFlight, row.system, num(row.opsPerS), ms(row.p50Ms)];
    cells.push(ms(row.p99Ms), ms(row.p999Ms), row.errorCount, r, cpuCell(row.cpu));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    'ratio: Consort writes/s ÷ etcd writes/s at the same in-flight count; reads/s ÷ the bare',
    'node:https server answering a constant. `*` marks the leader/primary (the node driven).',
    '',
    '| target | goal | measured | met |',
    '| --- | --- | ---: | --- |',
  );
  for (const t of goals) {
    const met = t.met === null ? 'n/a' : t.met ? 'yes' : '**no**';
    lines.push(`| ${t.name} | ${t.goal} | ${num(t.measured, 2)} | ${met} |`);
  }
  for (const p of profiles) {
    lines.push(
      '',
      `CPU profile of the Consort primary (pid ${p.primaryPid}) under ${p.workload}: ` +
        `${num(p.summary.totalMs)} ms of CPU sampled (idle excluded); top self time:`,
      '',
      '| self % | self ms | function | location |',
      '| ---: | ---: | --- | --- |',
    );
    for (const f of p.summary.top) {
      lines.push(`| ${num(f.percent, 1)} | ${num(f.selfMs)} | ${f.fn} | ${f.location} |`);
    }
    lines.push('', 'Self time by script:', '');
    lines.push('| self % | self ms | script |', '| ---: | ---: | --- |');
    for (const f of p.summary.byFile.slice(0, 10)) {
      lines.push(`| ${num(f.percent, 1)} | ${num(f.selfMs)} | ${f.file} |`);
    }
  }
  return lines.join('\n');
}
