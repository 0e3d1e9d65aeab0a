// proc-cpu.ts: CPU time of processes from /proc/<pid>/stat (utime + stime, fields 14 and 15, in
// clock ticks), sampled before and after a measurement window.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicksPerSecond: number | null = null;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === null) {
    try {
      const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
      clockTicksPerSecond = Number(text.trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

interface StatFields {
  readonly ppid: number;
  readonly pgid: number;
  readonly cpuTicks: number;
}

function readStat(pid: number): StatFields | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces; fields after it start past the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  return {
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    cpuTicks: Number(rest[11]) + Number(rest[12]),
  };
}

/** cpuSecondsOf returns the CPU seconds (user + system) `pid` has used so far, or null if gone. */
export function cpuSecondsOf(pid: number): number | null {
  const stat = readStat(pid);
  return stat === null ? null : stat.cpuTicks / ticksPerSecond();
}

/** processGroupMembers lists the live PIDs in process group `pgid` (a detached child's tree). */
export function processGroupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== null && stat.pgid === pgid) pids.push(Number(name));
  }
  return pids.sort((a, b) => a - b);
}

/** CpuProbe measures the CPU share (percent of one core) of named processes over a window. */
export class CpuProbe {
  private start = new Map<number, number>();
  private startMs = 0;

  constructor(private readonly targets: readonly CpuTarget[]) {}

  begin(): void {
    this.startMs = performance.now();
    this.start = new Map();
    for (const t of this.targets) this.start.set(t.pid, cpuSecondsOf(t.pid) ?? 0);
  }

  /** end returns each target's CPU percent of one core since `begin` (self included if listed). */
  end(): CpuShare[] {
    const elapsedS = (performance.now() - this.startMs) / 1000;
    return this.targets.map((t) => {
      const now = cpuSecondsOf(t.pid);
      const before = this.start.get(t.pid) ?? 0;
      const percent = now === null ? Number.NaN : ((now - before) / elapsedS) * 100;
      return { name: t.name, pid: t.pid, percent };
    });
  }
}

export interface CpuTarget {
  readonly name: string;
  readonly pid: number;
}

export interface CpuShare {
  readonly name: string;
  readonly pid: number;
  readonly percent: number;
}
