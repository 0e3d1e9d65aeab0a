// ProcessRegistry: every child process an e2e test starts, tracked by PID so that it can be paused
// (SIGSTOP/SIGCONT), killed (SIGKILL) or stopped (SIGTERM, then SIGKILL after a grace period) —
// and so that `stopAll()` in an `after` hook, and an exit handler of the test process as a last
// resort, never leave a node running, whatever a test did or how it failed.
import { type ChildProcess, spawn } from 'node:child_process';

/** ManagedProcess is one spawned child: its output lines, exit and a bounded wait for a line. */
export class ManagedProcess {
  readonly pid: number;
  readonly name: string;
  /** exited resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  private readonly lines: string[] = [];
  private readonly waiters: { readonly re: RegExp; readonly done: (m: RegExpMatchArray) => void }[] = [];
  private exitValue: number | string | null = null;

  constructor(name: string, child: ChildProcess) {
    if (child.pid === undefined) throw new Error(`${name}: spawn failed`);
    this.pid = child.pid;
    this.name = name;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitValue = code ?? signal ?? 'unknown';
        resolve(this.exitValue);
      });
    });
    const split = (stream: NodeJS.ReadableStream | null, tag: string): void => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) this.onLine(tag + line);
      });
    };
    split(child.stdout, '');
    split(child.stderr, 'stderr: ');
  }

  get running(): boolean {
    return this.exitValue === null;
  }

  get exitCode(): number | string | null {
    return this.exitValue;
  }

  /** tail is the last output lines (stdout, and stderr prefixed), for failure messages. */
  tail(count = 30): string {
    return this.lines.slice(-count).join('\n');
  }

  /** waitForLine resolves with the first output line (past or future) matching `re`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.lines) {
      const m = line.match(re);
      if (m !== null) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name}: no line matching ${re} within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      const waiter = {
        re,
        done: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then((value) => {
        clearTimeout(timer);
        if (this.waiters.includes(waiter)) {
          reject(new Error(`${this.name}: exited (${value}) before printing ${re}\n${this.tail()}`));
        }
      });
    });
  }

  private onLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 2000) this.lines.splice(0, 1000);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      const m = line.match(waiter.re);
      if (m !== null) {
        this.waiters.splice(i, 1);
        waiter.done(m);
      }
    }
  }
}

const everyRegistry = new Set<ProcessRegistry>();
process.once('exit', () => {
  // Last resort (a test threw past its hooks): SIGKILL synchronously, by PID.
  for (const registry of everyRegistry) registry.killAllNow();
});

/** ProcessRegistry spawns children and stops them by PID. */
export class ProcessRegistry {
  private readonly processes = new Map<number, ManagedProcess>();

  constructor() {
    everyRegistry.add(this);
  }

  /** spawn starts `node <args>` with piped output, registered until it exits. */
  spawnNode(name: string, args: readonly string[], cwd: string): ManagedProcess {
    const child = spawn(process.execPath, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const managed = new ManagedProcess(name, child);
    this.processes.set(managed.pid, managed);
    void managed.exited.then(() => this.processes.delete(managed.pid));
    return managed;
  }

  /** pause sends SIGSTOP: the process keeps its sockets but runs no code until resume. */
  pause(p: ManagedProcess): void {
    if (p.running) process.kill(p.pid, 'SIGSTOP');
  }

  resume(p: ManagedProcess): void {
    if (p.running) process.kill(p.pid, 'SIGCONT');
  }

  /** kill9 sends SIGKILL and waits for the exit. */
  async kill9(p: ManagedProcess): Promise<void> {
    if (p.running) process.kill(p.pid, 'SIGKILL');
    await p.exited;
  }

  /**
   * stop sends SIGTERM (and SIGCONT, in case it is paused), then SIGKILL if it has not exited
   * after `graceMs`. Resolves with the exit code (a clean stop is 0).
   */
  async stop(p: ManagedProcess, graceMs = 5_000): Promise<number | string> {
    if (!p.running) return p.exitCode ?? 'unknown';
    const sendSignal = (signal: NodeJS.Signals): void => {
      try {
        process.kill(p.pid, signal);
      } catch {
        // Already gone.
      }
    };
    sendSignal('SIGTERM');
    sendSignal('SIGCONT');
    const timer = setTimeout(() => sendSignal('SIGKILL'), graceMs);
    const value = await p.exited;
    clearTimeout(timer);
    return value;
  }

  /** stopAll stops every registered process (for `after` hooks). */
  async stopAll(graceMs = 5_000): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => this.stop(p, graceMs)));
  }

  /** killAllNow SIGKILLs every registered process synchronously (exit handler). */
  killAllNow(): void {
    for (const p of this.processes.values()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
