// Simulated disk for one node. Writes go to a pending list; an fsync makes the writes issued before
// it durable after a delay (the simulator schedules its completion); a crash drops every pending
// write, or, torn, keeps a random prefix of them. Writes of one Ready are issued in the order
// [view+vote, snapshot, truncate, entry..., commit hint], so a torn crash never leaves a log that
// is ahead of the vote it was written under.
import type { HardState, LogEntry, PersistedState, Ready, Snapshot } from '../../src/consensus/types.js';
import type { SeededRng } from '../../src/ds/rng.js';

type DiskOp =
  | { readonly kind: 'vote'; readonly view: number; readonly votedFor: string | null }
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot; readonly discardLog: boolean }
  | { readonly kind: 'truncate'; readonly fromSeqno: number }
  | { readonly kind: 'entry'; readonly entry: LogEntry }
  | { readonly kind: 'commit'; readonly commitSeqno: number };

/** SimDisk is one node's in-memory disk; it survives the node's crashes. */
export class SimDisk {
  private view = 0;
  private votedFor: string | null = null;
  private commitSeqno = 0;
  private snapshot: Snapshot | null = null;
  private entries: LogEntry[] = [];
  private pending: DiskOp[] = [];
  /** Problems found while applying writes (a gap in the log): reported as violations. */
  readonly errors: string[] = [];
  fsyncCount = 0;

  /** writeReady issues the persistence part of `ready` (not yet durable). */
  writeReady(ready: Ready): void {
    const hs: HardState | null = ready.hardState;
    if (hs !== null) this.pending.push({ kind: 'vote', view: hs.view, votedFor: hs.votedFor });
    const snapshot = ready.snapshotToPersist;
    // A snapshot install that discards the log is one write (like replacing a file), so a torn
    // crash never leaves the new snapshot followed by the old, conflicting entries.
    const discardLog = snapshot !== null && ready.truncateFromSeqno !== null && ready.truncateFromSeqno <= snapshot.seqno;
    if (snapshot !== null) this.pending.push({ kind: 'snapshot', snapshot, discardLog });
    if (ready.truncateFromSeqno !== null && !discardLog) {
      this.pending.push({ kind: 'truncate', fromSeqno: ready.truncateFromSeqno });
    }
    for (const entry of ready.entriesToPersist) this.pending.push({ kind: 'entry', entry });
    if (hs !== null) this.pending.push({ kind: 'commit', commitSeqno: hs.commitSeqno });
  }

  /** writeSnapshot issues a snapshot write (host-side compaction). */
  writeSnapshot(snapshot: Snapshot): void {
    this.pending.push({ kind: 'snapshot', snapshot, discardLog: false });
  }

  /** fsyncBegin returns a token; fsyncEnd(token) makes every write issued before it durable. */
  fsyncBegin(): number {
    this.fsyncCount++;
    return this.pending.length;
  }

  fsyncEnd(token: number): void {
    const done = this.pending.splice(0, Math.min(token, this.pending.length));
    for (const op of done) this.apply(op);
  }

  /** pendingCount is the number of writes not yet durable. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** crash forgets pending writes; with probability `tornProbability` a prefix of them lands. */
  crash(rng: SeededRng, tornProbability: number): number {
    let kept = 0;
    if (this.pending.length > 0 && rng.chance(tornProbability)) kept = rng.int(0, this.pending.length);
    for (const op of this.pending.slice(0, kept)) this.apply(op);
    this.pending = [];
    return kept;
  }

  /** persisted returns what a restarted node reads back (durable state only). */
  persisted(): PersistedState {
    return {
      hardState: { view: this.view, votedFor: this.votedFor, commitSeqno: this.commitSeqno },
      snapshot: this.snapshot,
      entries: [...this.entries],
    };
  }

  private lastSeqno(): number {
    return (this.snapshot?.seqno ?? 0) + this.entries.length;
  }

  private apply(op: DiskOp): void {
    const base = this.snapshot?.seqno ?? 0;
    switch (op.kind) {
      case 'vote':
        this.view = op.view;
        this.votedFor = op.votedFor;
        return;
      case 'commit':
        this.commitSeqno = op.commitSeqno;
        return;
      case 'truncate':
        if (op.fromSeqno <= base) this.entries = [];
        else if (op.fromSeqno <= this.lastSeqno()) this.entries.length = op.fromSeqno - base - 1;
        return;
      case 'snapshot': {
        if (op.snapshot.seqno <= base) return;
        const keepFrom = op.snapshot.seqno - base;
        const keep = !op.discardLog && keepFrom < this.entries.length;
        this.entries = keep ? this.entries.slice(keepFrom) : [];
        this.snapshot = op.snapshot;
        return;
      }
      case 'entry': {
        const seqno = op.entry.seqno;
        if (seqno <= base) return;
        if (seqno > this.lastSeqno() + 1) {
          this.errors.push(`disk: entry ${seqno} written after last ${this.lastSeqno()} (gap)`);
          return;
        }
        this.entries.length = seqno - base - 1;
        this.entries.push(op.entry);
        return;
      }
    }
  }
}
