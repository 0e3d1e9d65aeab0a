// Workload: KV clients using the real node API, recording a history for the linearizability
// checker. Writes (put, and cas on the current value) run as `machine.execute(tx => ...)` at the
// node the client believes is primary (beliefs go stale; NotPrimary makes it retry at the hinted
// primary or a random node); their fate comes from `machine.onOutcome`: ok when Committed, a
// definite failure when Invalid, unknown (no response) when the outcome is Unknown (the node's log
// was replaced by a snapshot), the node crashed, the client gave up, or the run ended first. Linearizable reads are `machine.readIndex(cb)` at the primary, then a
// read of `ledger.store.beginAt(machine.committedSeqno)`. Values are unique per write. Keys alternate
// between a private map (AES-GCM in the ledger) and a public one.
// With the `stale-read-at-backup` bug, reads are served from a random backup's local store
// (`store.begin()`) but recorded as linearizable: the checker must catch it.
import type { NodeId, TxId } from '../../src/consensus/types.js';
import { utf8 } from '../../src/crypto/encoding.js';
import type { SeededRng } from '../../src/ds/rng.js';
import type { Tx } from '../../src/kv/tx.js';
import { bytesToString } from '../../src/kv/values.js';
import type { KvHistoryOp, KvOpKind } from './checkers/linearizability.js';
import type { SimNode } from './sim-node.js';

/** WorkloadOptions: the client population and op mix of one run. */
export interface WorkloadOptions {
  readonly clientCount: number;
  readonly keyCount: number;
  readonly readFraction: number;
  readonly casFraction: number;
  /** A client gives up on an op (fate unknown) after this long. */
  readonly opTimeoutMs: number;
  readonly staleReadAtBackup: boolean;
}

/** Proposal is one write that reached consensus (the liveness check follows it). */
export interface Proposal {
  readonly txId: TxId;
  readonly atMs: number;
}

interface OpRecord {
  readonly id: number;
  readonly clientId: number;
  readonly kind: KvOpKind;
  readonly key: string;
  readonly value?: string;
  readonly expected?: string | null;
  readonly invokeTime: number;
  responseTime: number | null;
  ok: boolean;
  readValue?: string | null;
  node: NodeId;
}

interface Client {
  readonly id: number;
  op: OpRecord | null;
}

/** ReceiptSink receives committed writes (for receipt checks). */
export type CommittedWriteSink = (txId: TxId) => void;

/** Workload drives the clients; the simulator calls `step` on each 'propose' event. */
export class Workload {
  private readonly rng: SeededRng;
  private readonly options: WorkloadOptions;
  private readonly clients: Client[] = [];
  private readonly ops: OpRecord[] = [];
  private readonly lastWritten = new Map<string, string>();
  private belief: NodeId | null = null;
  private nextId = 1;
  acceptedCount = 0;
  refusedCount = 0;
  readCount = 0;

  private readonly now: () => number;

  constructor(rng: SeededRng, options: WorkloadOptions, now: () => number) {
    this.rng = rng;
    this.options = options;
    this.now = now;
    for (let i = 0; i < options.clientCount; i++) this.clients.push({ id: i, op: null });
  }

  /** hear updates the clients' belief (called when some node announces a primary). */
  hear(primary: NodeId): void {
    this.belief = primary;
  }

  /** onCrash: ops in flight at `node` lose their response (fate unknown); their clients move on. */
  onCrash(node: NodeId): void {
    for (const c of this.clients) if (c.op !== null && c.op.node === node) c.op = null;
  }

  /**
   * step gives up timed-out ops, then lets one idle client issue an op. Returns the write's
   * proposal when one reached consensus. `onCommitted` hears of every committed write.
   */
  step(nodes: readonly SimNode[], nowMs: number, onCommitted: CommittedWriteSink): Proposal | null {
    for (const c of this.clients) {
      if (c.op !== null && nowMs - c.op.invokeTime > this.options.opTimeoutMs) c.op = null;
    }
    const idle = this.clients.filter((c) => c.op === null);
    if (idle.length === 0 || nodes.length === 0) return null;
    const client = idle[this.rng.int(0, idle.length - 1)]!;
    const keyIndex = this.rng.int(0, this.options.keyCount - 1);
    const r = this.rng.next();
    if (r < this.options.readFraction) {
      this.read(client, keyIndex, nodes, nowMs);
      return null;
    }
    const cas = r < this.options.readFraction + this.options.casFraction;
    return this.write(client, keyIndex, cas, nodes, nowMs, onCommitted);
  }

  /** history returns the recorded ops (ops still in flight have no response). */
  history(): KvHistoryOp[] {
    return this.ops.map((op) => {
      const base = { id: op.id, clientId: op.clientId, key: op.key, invokeTime: op.invokeTime, responseTime: op.responseTime };
      if (op.kind === 'get') return { ...base, kind: 'get', result: { ok: op.ok, value: op.readValue ?? null } };
      if (op.kind === 'put') return { ...base, kind: 'put', value: op.value!, result: { ok: op.ok } };
      return { ...base, kind: 'cas', value: op.value!, expected: op.expected ?? null, result: { ok: op.ok } };
    });
  }

  get opCount(): number {
    return this.ops.length;
  }

  private write(
    client: Client,
    keyIndex: number,
    cas: boolean,
    nodes: readonly SimNode[],
    nowMs: number,
    onCommitted: CommittedWriteSink,
  ): Proposal | null {
    const { map, key, name } = keyOf(keyIndex);
    const value = `c${client.id}.${this.nextId}`;
    const expected = cas ? this.expectedFor(name) : undefined;
    const handler = (tx: Tx): boolean => {
      const handle = tx.map(map);
      if (expected !== undefined) {
        const current = handle.get(utf8(key));
        if ((current === undefined ? null : bytesToString(current)) !== expected) return false;
      }
      handle.set(utf8(key), utf8(value));
      return true;
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const target = this.pickTarget(nodes);
      const outcome = target.execute(handler);
      if (outcome.kind === 'not-primary' || outcome.kind === 'down') {
        this.refusedCount++;
        const hint = outcome.kind === 'not-primary' ? outcome.hint : null;
        this.belief = hint !== null && hint !== target.id ? hint : null;
        continue;
      }
      if (outcome.kind === 'busy') return null;
      const op = this.record(client, cas ? 'cas' : 'put', name, nowMs, target.id, { value, ...(cas ? { expected: expected ?? null } : {}) });
      if (outcome.kind === 'read-only') {
        // The cas found another value: it definitely did not apply.
        op.responseTime = nowMs;
        op.ok = false;
        client.op = null;
        return null;
      }
      this.acceptedCount++;
      this.lastWritten.set(name, value);
      const { txId } = outcome.result;
      target.machine!.onOutcome(txId, (status) => {
        if (status === 'Committed') onCommitted(txId);
        if (client.op !== op) return; // the client gave up (or its node crashed): fate unknown
        client.op = null;
        if (status === 'Unknown') return; // the node can no longer tell: no response
        op.responseTime = this.now();
        op.ok = status === 'Committed';
      });
      return { txId, atMs: nowMs };
    }
    return null;
  }

  private read(client: Client, keyIndex: number, nodes: readonly SimNode[], nowMs: number): void {
    const { map, key, name } = keyOf(keyIndex);
    const readAt = (tx: Tx): string | null => {
      const v = tx.map(map).get(utf8(key));
      return v === undefined ? null : bytesToString(v);
    };
    if (this.options.staleReadAtBackup) {
      const backups = nodes.filter((n) => n.machine !== null && n.role !== 'primary');
      const backup = backups.length === 0 ? undefined : backups[this.rng.int(0, backups.length - 1)];
      if (backup !== undefined) {
        // BUG (deliberate): a backup's local state is not linearizable.
        const op = this.record(client, 'get', name, nowMs, backup.id, {});
        op.readValue = readAt(backup.machine!.ledger.store.begin());
        op.responseTime = nowMs;
        op.ok = true;
        client.op = null;
        this.readCount++;
        return;
      }
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const target = this.pickTarget(nodes);
      const machine = target.machine;
      if (machine === null) {
        this.belief = null;
        continue;
      }
      const op = this.record(client, 'get', name, nowMs, target.id, {});
      const started = target.readIndex((index) => {
        if (client.op !== op) return; // the client gave up (or its node crashed)
        op.responseTime = this.now();
        client.op = null;
        if (index === null) return; // leadership lost: the read failed (ok stays false)
        op.ok = true;
        op.readValue = readAt(machine.ledger.store.beginAt(machine.committedSeqno));
        this.readCount++;
      });
      if (started) return;
      this.ops.pop();
      this.nextId--;
      client.op = null;
      this.refusedCount++;
      const hint = machine.core.primary;
      this.belief = hint !== null && hint !== target.id ? hint : null;
    }
  }

  private record(
    client: Client,
    kind: KvOpKind,
    key: string,
    nowMs: number,
    node: NodeId,
    fields: { value?: string; expected?: string | null },
  ): OpRecord {
    const op: OpRecord = { id: this.nextId++, clientId: client.id, kind, key, invokeTime: nowMs, responseTime: null, ok: false, node, ...fields };
    this.ops.push(op);
    client.op = op;
    return op;
  }

  /** expectedFor: usually the last value written to `name` (so cas often succeeds), else absent. */
  private expectedFor(name: string): string | null {
    if (this.rng.chance(0.15)) return null;
    return this.lastWritten.get(name) ?? null;
  }

  private pickTarget(nodes: readonly SimNode[]): SimNode {
    if (this.belief !== null) {
      const believed = nodes.find((n) => n.id === this.belief);
      if (believed !== undefined) return believed;
    }
    return nodes[this.rng.int(0, nodes.length - 1)]!;
  }
}

/** keyOf names key `i`: even keys live in a private map, odd ones in a public map. */
function keyOf(i: number): { map: string; key: string; name: string } {
  const map = i % 2 === 0 ? 'kv' : 'public:kv';
  const key = `k${i}`;
  return { map, key, name: `${map}/${key}` };
}
