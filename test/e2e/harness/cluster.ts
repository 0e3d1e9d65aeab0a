// E2eCluster: a Consort service of real `node bin/consort.js start|join` processes on loopback.
// Founders' workspaces are prepared the way `consort sandbox` prepares them (one service identity,
// one node identity each, a shared genesis.json), with ports from freePorts(). Every process is
// registered in a ProcessRegistry; `destroy()` stops them all by PID and removes the temporary
// directory (kept when E2E_KEEP=1, for debugging).
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenesisNode } from '../../../src/cli/runtime/node-runtime.js';
import { writeJson } from '../../../src/cli/runtime/run.js';
import { createNodeIdentity, openServiceWorkspace } from '../../../src/cli/runtime/workspace.js';
import { freePorts } from '../ports.js';
import { E2eClient } from './client.js';
import { sandboxSharedFiles } from '../../../src/cli/commands/sandbox.js';
import { type ManagedProcess, ProcessRegistry } from './process-registry.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const entry = join(repoRoot, 'bin', 'consort.js');

const sharedFiles = sandboxSharedFiles;

export interface ClusterOptions {
  readonly founders: number;
  /** Nodes that may join later (ports are reserved up front). */
  readonly joinersMax?: number;
  readonly electionTimeoutMs?: number;
  readonly snapshotInterval?: number;
  readonly trustJoiners?: boolean;
}

/** E2eNode is one node slot: its workspace, ports and current process (null when not running). */
export interface E2eNode {
  readonly index: number;
  readonly dir: string;
  readonly rpcPort: number;
  readonly nodePort: number;
  readonly kind: 'founder' | 'joiner';
  id: string;
  proc: ManagedProcess | null;
  paused: boolean;
  /** Join target (host:port), for joiners. */
  target: string | null;
}

/** sleep waits `ms` (test code only). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** until polls `check` every `everyMs` until it returns a non-null value; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null> | T | null,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export class E2eCluster {
  readonly root: string;
  readonly registry = new ProcessRegistry();
  readonly nodes: E2eNode[] = [];
  readonly client: E2eClient;
  private readonly options: ClusterOptions;
  private readonly spare: number[];

  private constructor(root: string, options: ClusterOptions, nodes: E2eNode[], spare: number[]) {
    this.root = root;
    this.options = options;
    this.nodes.push(...nodes);
    this.spare = spare;
    this.client = new E2eClient(join(root, 'node0'));
  }

  /** create prepares the founders' workspaces (nothing runs yet). */
  static async create(name: string, options: ClusterOptions): Promise<E2eCluster> {
    const root = mkdtempSync(join(tmpdir(), `consort-e2e-${name}-`));
    const ports = await freePorts(2 * (options.founders + (options.joinersMax ?? 0)));
    const first = await openServiceWorkspace(join(root, 'node0'));
    const nodes: E2eNode[] = [];
    const genesis: GenesisNode[] = [];
    for (let i = 0; i < options.founders; i++) {
      const dir = join(root, `node${i}`);
      mkdirSync(join(dir, 'ledger'), { recursive: true });
      if (i > 0) for (const f of sharedFiles) cpSync(join(first.dir, f), join(dir, f));
      const identity = i === 0 ? first.node : await createNodeIdentity(dir, first.service);
      const rpcPort = ports[2 * i]!;
      const nodePort = ports[2 * i + 1]!;
      genesis.push({
        id: identity.id,
        certPem: identity.certPem,
        nodeAddress: `127.0.0.1:${nodePort}`,
        rpcAddress: `127.0.0.1:${rpcPort}`,
      });
      nodes.push({ index: i, dir, rpcPort, nodePort, kind: 'founder', id: identity.id, proc: null, paused: false, target: null });
    }
    for (const node of nodes) writeJson(join(node.dir, 'genesis.json'), { nodes: genesis });
    return new E2eCluster(root, options, nodes, ports.slice(2 * options.founders));
  }

  private timingArgs(): string[] {
    const args = ['--election-timeout-ms', String(this.options.electionTimeoutMs ?? 300), '--log-level', 'warn'];
    if (this.options.snapshotInterval !== undefined) args.push('--snapshot-interval', String(this.options.snapshotInterval));
    if (this.options.trustJoiners === true) args.push('--trust-joiners');
    return args;
  }

  /** start spawns node `i` (first run or restart from its workspace); resolves once it listens. */
  async start(i: number, timeoutMs = 30_000): Promise<E2eNode> {
    const node = this.nodes[i]!;
    if (node.proc?.running === true) throw new Error(`node${i} is already running`);
    const args =
      node.kind === 'founder'
        ? [entry, 'start']
        : [entry, 'join', '--target', node.target!, '--service-cert', join(this.root, 'node0', 'service_cert.pem')];
    args.push('--workspace', node.dir, '--port', String(node.rpcPort), '--node-port', String(node.nodePort));
    args.push(...this.timingArgs());
    node.proc = this.registry.spawnNode(`node${i}`, args, repoRoot);
    node.paused = false;
    const m = await node.proc.waitForLine(/^consort: node ([0-9a-f]+) listening rpc=(\d+) node=(\d+)/, timeoutMs);
    node.id = m[1]!;
    return node;
  }

  /** waitReady resolves once node `i` printed its `consort: ready` line (genesis known, commits). */
  async waitReady(i: number, timeoutMs = 30_000): Promise<void> {
    const proc = this.nodes[i]!.proc;
    if (proc === null) throw new Error(`node${i} is not running`);
    await proc.waitForLine(/^consort: ready after/, timeoutMs);
  }

  /** startAll starts every founder and waits until all are ready. */
  async startAll(timeoutMs = 40_000): Promise<void> {
    const founders = this.nodes.filter((n) => n.kind === 'founder');
    await Promise.all(founders.map((n) => this.start(n.index, timeoutMs)));
    await Promise.all(founders.map((n) => this.waitReady(n.index, timeoutMs)));
  }

  /** addJoiner reserves a slot for a node that will `consort join` through node `targetIndex`. */
  addJoiner(targetIndex: number): E2eNode {
    const rpcPort = this.spare.shift();
    const nodePort = this.spare.shift();
    if (rpcPort === undefined || nodePort === undefined) throw new Error('no ports left: raise joinersMax');
    const index = this.nodes.length;
    const node: E2eNode = {
      index,
      dir: join(this.root, `node${index}`),
      rpcPort,
      nodePort,
      kind: 'joiner',
      id: '',
      proc: null,
      paused: false,
      target: `127.0.0.1:${this.nodes[targetIndex]!.rpcPort}`,
    };
    this.nodes.push(node);
    return node;
  }

  pause(i: number): void {
    const node = this.nodes[i]!;
    if (node.proc !== null) this.registry.pause(node.proc);
    node.paused = true;
  }

  resume(i: number): void {
    const node = this.nodes[i]!;
    if (node.proc !== null) this.registry.resume(node.proc);
    node.paused = false;
  }

  async kill9(i: number): Promise<void> {
    const node = this.nodes[i]!;
    if (node.proc !== null) await this.registry.kill9(node.proc);
    node.proc = null;
  }

  /** stop sends SIGTERM (SIGKILL after the grace period); resolves with the exit code. */
  async stop(i: number, graceMs = 10_000): Promise<number | string> {
    const node = this.nodes[i]!;
    if (node.proc === null) return 'not running';
    const code = await this.registry.stop(node.proc, graceMs);
    node.proc = null;
    return code;
  }

  /** live are the nodes running and not paused. */
  live(): E2eNode[] {
    return this.nodes.filter((n) => n.proc?.running === true && !n.paused);
  }

  /**
   * primary finds the current primary among live nodes: the highest view any of them reports,
   * confirmed by the named node itself. Null when there is none (yet).
   */
  async findPrimary(): Promise<E2eNode | null> {
    const reports = await Promise.all(
      this.live().map(async (n) => {
        const a = await this.client.call('GET', n.rpcPort, '/node/network', { timeoutMs: 1_000 });
        const body = a.json as { current_view?: number; primary_id?: string | null } | undefined;
        return a.status === 200 && body !== undefined ? { node: n, view: body.current_view ?? 0, primaryId: body.primary_id ?? null } : null;
      }),
    );
    let best: { view: number; primaryId: string } | null = null;
    for (const r of reports) {
      if (r !== null && r.primaryId !== null && (best === null || r.view > best.view)) best = { view: r.view, primaryId: r.primaryId };
    }
    if (best === null) return null;
    const self = reports.find((r) => r !== null && r.node.id === best.primaryId);
    return self !== undefined && self !== null && self.view === best.view && self.primaryId === self.node.id
      ? self.node
      : null;
  }

  /** waitPrimary polls findPrimary until one is confirmed. */
  waitPrimary(timeoutMs = 15_000): Promise<E2eNode> {
    return until('a primary', () => this.findPrimary(), timeoutMs, 50);
  }

  /** commitSeqno reads `/node/commit` of node `i` (null when it does not answer). */
  async commitSeqno(i: number): Promise<number | null> {
    const a = await this.client.call('GET', this.nodes[i]!.rpcPort, '/node/commit', { timeoutMs: 2_000 });
    const txId = (a.json as { transaction_id?: string } | undefined)?.transaction_id;
    return a.status === 200 && txId !== undefined ? Number(txId.split('.')[1]) : null;
  }

  /** describe is a diagnostic dump: each node's state and last output lines. */
  describe(): string {
    return this.nodes
      .map((n) => `--- node${n.index} ${n.id.slice(0, 12)} pid=${n.proc?.pid ?? '-'} ${n.paused ? 'paused' : ''}\n${n.proc?.tail(15) ?? ''}`)
      .join('\n');
  }

  /** destroy stops every process by PID, closes the client and removes the directory. */
  async destroy(): Promise<void> {
    for (const n of this.nodes) if (n.paused && n.proc !== null) this.registry.resume(n.proc);
    await this.registry.stopAll(5_000);
    await this.client.close();
    if (process.env.E2E_KEEP !== '1' && existsSync(this.root)) rmSync(this.root, { recursive: true, force: true });
  }
}
