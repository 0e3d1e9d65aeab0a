// cleanup.ts: every process and temp folder the cluster benchmark starts is registered here and
// stopped by its PID (its process group: each child is spawned `detached`, so the group id is the
// child's PID) on normal completion, on errors, on Ctrl-C and on process exit.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

interface Tracked {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
}

/** sleep resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Cleanup tracks started processes and temp folders. `stop(name)` / `stopAll()` end processes with
 * SIGINT (so node processes run their exit hooks, e.g. write `--cpu-prof` profiles), then SIGTERM,
 * then SIGKILL, each after a bounded wait. `install()` hooks exit, SIGINT, SIGTERM and uncaught
 * errors so nothing outlives the benchmark.
 */
export class Cleanup {
  private readonly processes = new Map<number, Tracked>();
  private readonly dirs = new Set<string>();
  private installed = false;

  /** track registers a spawned (detached) child; returns its PID. Throws if it has none. */
  track(name: string, child: ChildProcess): number {
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${name}: spawn failed (no pid)`);
    this.processes.set(pid, { name, child, pid });
    child.once('exit', () => this.processes.delete(pid));
    return pid;
  }

  trackDir(path: string): void {
    this.dirs.add(path);
  }

  /** untrackDir keeps a folder (e.g. CPU profiles the report points to). */
  untrackDir(path: string): void {
    this.dirs.delete(path);
  }

  /** stop ends one tracked process (by PID), waiting at most `graceMs` per signal. */
  async stop(pid: number, graceMs = 5000): Promise<void> {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
      if (!alive(pid)) break;
      signalGroup(pid, signal);
      const deadline = Date.now() + graceMs;
      while (alive(pid) && Date.now() < deadline) await sleep(50);
    }
    this.processes.delete(pid);
  }

  /** stopProcesses ends every tracked process (folders stay). */
  async stopProcesses(graceMs = 5000): Promise<void> {
    await Promise.all([...this.processes.keys()].map((pid) => this.stop(pid, graceMs)));
  }

  async stopAll(graceMs = 5000): Promise<void> {
    await this.stopProcesses(graceMs);
    this.removeDirs();
  }

  /** killAllSync is the last resort in `exit` handlers: SIGKILL every group, remove folders. */
  killAllSync(): void {
    for (const pid of this.processes.keys()) signalGroup(pid, 'SIGKILL');
    this.processes.clear();
    this.removeDirs();
  }

  install(): void {
    if (this.installed) return;
    this.installed = true;
    process.on('exit', () => this.killAllSync());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        console.error(`\ncluster bench: ${signal}, stopping ${this.processes.size} process(es)...`);
        void this.stopAll(2000).finally(() => process.exit(130));
      });
    }
    process.on('uncaughtException', (error) => {
      console.error('cluster bench: uncaught exception', error);
      void this.stopAll(2000).finally(() => process.exit(1));
    });
  }

  private removeDirs(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

