// MemCluster: a tiny synchronous in-memory cluster of RaftCore nodes for unit tests of Raft claims.
// Perfect disks, FIFO delivery, and switches to isolate nodes or drop links. (The fault-injecting,
// seed-driven simulator lives in test/sim; this harness keeps unit tests short and readable.)
import { SeededRng } from '../../src/ds/rng.js';
import { RaftCore } from '../../src/consensus/raft-core.js';
import type {
  Configuration,
  History,
  LogEntry,
  NodeId,
  Outbound,
  PersistedState,
  RaftOptions,
  Snapshot,
  TxId,
} from '../../src/consensus/types.js';

/** ChainHistory is a History whose "signature" is a running digest of the log prefix. */
export class ChainHistory implements History {
  private chain: number[] = [0];
  private offsetSeqno = 0;
  append(entry: LogEntry): void {
    const prev = this.chain[this.chain.length - 1]!;
    let h = (prev ^ (entry.view * 2654435761) ^ entry.seqno) >>> 0;
    for (const b of entry.data) h = Math.imul(h ^ b, 16777619) >>> 0;
    this.chain.push(h);
  }
  truncate(fromSeqno: number): void {
    this.chain.length = Math.max(1, fromSeqno - this.offsetSeqno);
  }
  reset(snapshot: Snapshot): void {
    this.offsetSeqno = snapshot.seqno;
    this.chain = [snapshot.seqno];
  }
  sign(txId: TxId): Uint8Array {
    const h = this.chain[txId.seqno - 1 - this.offsetSeqno] ?? 0;
    return new Uint8Array([h & 255, (h >>> 8) & 255, (h >>> 16) & 255, h >>> 24]);
  }
}

export interface MemNode {
  core: RaftCore;
  disk: { hardState: PersistedState['hardState']; snapshot: Snapshot | null; entries: LogEntry[] };
  applied: LogEntry[];
  up: boolean;
  reads: { context: number; index: number | null }[];
}

export const testOptions = (id: NodeId): RaftOptions => ({
  id,
  electionTimeoutTicksMin: 10,
  electionTimeoutTicksMax: 20,
  heartbeatIntervalTicks: 2,
  signatureIntervalTxCount: 100,
  signatureIntervalTicks: 5,
  inflightBytesMax: 1 << 20,
  appendEntriesBytesMax: 64 * 1024,
  proposalQueueCountMax: 10_000,
  preVote: true,
  checkQuorum: true,
});

export class MemCluster {
  readonly nodes = new Map<NodeId, MemNode>();
  private queue: { from: NodeId; out: Outbound }[] = [];
  private readonly cut = new Set<string>();
  readonly rejected: string[] = [];
  private readonly rng: SeededRng;

  constructor(ids: readonly NodeId[], seed = 1, options = testOptions) {
    this.rng = new SeededRng(seed);
    const genesis: Configuration = { voters: [...ids], learners: [] };
    for (const id of ids) this.addNode(id, genesis, options);
  }

  addNode(id: NodeId, genesis: Configuration | null, options = testOptions): MemNode {
    const disk = { hardState: { view: 0, votedFor: null, commitSeqno: 0 }, snapshot: null, entries: [] };
    const node: MemNode = {
      core: this.build(id, disk, genesis, options),
      disk,
      applied: [],
      up: true,
      reads: [],
    };
    this.nodes.set(id, node);
    return node;
  }

  private build(id: NodeId, disk: MemNode['disk'], genesis: Configuration | null, options = testOptions): RaftCore {
    return new RaftCore(
      { rng: this.rng.fork(), history: new ChainHistory() },
      options(id),
      { persisted: { hardState: disk.hardState, snapshot: disk.snapshot, entries: [...disk.entries] }, genesis },
    );
  }

  node(id: NodeId): MemNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /** restart rebuilds `id` from its disk (everything persisted survives; volatile state is lost). */
  restart(id: NodeId, genesis: Configuration | null): void {
    const n = this.node(id);
    n.core = this.build(id, n.disk, genesis);
    n.applied = n.disk.snapshot === null ? [] : n.applied.filter((e) => e.seqno <= n.disk.snapshot!.seqno);
    n.up = true;
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cutLink(id, other);
  }
  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}>${b}`);
    this.cut.add(`${b}>${a}`);
  }
  heal(): void {
    this.cut.clear();
  }

  primaries(): NodeId[] {
    return [...this.nodes].filter(([, n]) => n.up && n.core.role === 'primary').map(([id]) => id);
  }

  /** process drains every node's Ready: persist, then send, then apply, then advance. */
  process(): void {
    for (let round = 0; round < 1000; round++) {
      let busy = false;
      for (const [id, n] of this.nodes) {
        if (!n.up || !n.core.hasReady()) continue;
        busy = true;
        const ready = n.core.takeReady();
        if (ready.snapshotToPersist !== null) {
          n.disk.snapshot = ready.snapshotToPersist;
          n.disk.entries = n.disk.entries.filter((e) => e.seqno > ready.snapshotToPersist!.seqno);
        }
        if (ready.truncateFromSeqno !== null) {
          const from = ready.truncateFromSeqno;
          n.disk.entries = n.disk.entries.filter((e) => e.seqno < from);
        }
        n.disk.entries.push(...ready.entriesToPersist);
        if (ready.hardState !== null) n.disk.hardState = ready.hardState;
        for (const out of ready.earlyMessages) this.queue.push({ from: id, out });
        for (const out of ready.messages) this.queue.push({ from: id, out });
        if (ready.snapshotToApply !== null) {
          n.applied = n.applied.filter((e) => e.seqno <= ready.snapshotToApply!.seqno);
        }
        n.applied.push(...ready.committed);
        n.reads.push(...ready.readStates);
        n.core.advance(ready);
      }
      const batch = this.queue;
      this.queue = [];
      for (const { from, out } of batch) {
        busy = true;
        const target = this.nodes.get(out.to);
        if (target === undefined || !target.up || this.cut.has(`${from}>${out.to}`)) continue;
        const result = target.core.step(from, out.message);
        if (!result.ok) this.rejected.push(result.reason);
      }
      if (!busy) return;
    }
    throw new Error('cluster did not quiesce');
  }

  tick(count = 1): void {
    for (let i = 0; i < count; i++) {
      for (const n of this.nodes.values()) if (n.up) n.core.tick();
      this.process();
    }
  }

  /** electPrimary ticks until exactly one primary exists and returns it. */
  electPrimary(ticksMax = 200): NodeId {
    for (let i = 0; i < ticksMax; i++) {
      this.tick();
      const p = this.primaries();
      if (p.length === 1 && this.node(p[0]!).core.commitSeqno > 0) return p[0]!;
    }
    throw new Error('no primary elected');
  }

  propose(id: NodeId, text: string): TxId {
    const r = this.node(id).core.propose(new TextEncoder().encode(text));
    if (!r.ok) throw new Error(`propose refused: ${r.reason}`);
    return r.txId;
  }
}
