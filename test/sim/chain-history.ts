// ChainHistory: a shadow of each node's consensus History (the real one is the node's LedgerState:
// Merkle tree + KV store). The simulator mirrors every append / truncate / reset the core makes on
// the real History into it, so it keeps the running chain hash of every log prefix, and checkers
// compare one 8-byte string per (seqno, view) instead of logs.
import type { EntryKind, LogEntry, Snapshot } from '../../src/consensus/types.js';
import { chainHash } from './chain.js';
import { GENESIS_HASH } from './hash.js';

/** HistoryObserver receives every history change (the safety checker). */
export interface HistoryObserver {
  onAppend(history: ChainHistory, entry: LogEntry, hash: string): void;
  onTruncate(history: ChainHistory, fromSeqno: number): void;
  onReset(history: ChainHistory, snapshot: Snapshot): void;
  onHistoryError(history: ChainHistory, message: string): void;
}

/** ChainHistory mirrors one node life's History as chain hashes. */
export class ChainHistory {
  readonly nodeId: string;
  private readonly observer: HistoryObserver;
  private baseSeqno = 0;
  private baseHash = GENESIS_HASH;
  private baseView = 0;
  private hashes: string[] = [];
  private views: number[] = [];
  private kinds: EntryKind[] = [];

  constructor(nodeId: string, observer: HistoryObserver) {
    this.nodeId = nodeId;
    this.observer = observer;
  }

  get lastSeqno(): number {
    return this.baseSeqno + this.hashes.length;
  }

  get offsetSeqno(): number {
    return this.baseSeqno;
  }

  /** hashAt returns the chain hash of the prefix ending at `seqno` (undefined if not held). */
  hashAt(seqno: number): string | undefined {
    if (seqno === this.baseSeqno) return this.baseHash;
    if (seqno < this.baseSeqno) return undefined;
    return this.hashes[seqno - this.baseSeqno - 1];
  }

  viewAt(seqno: number): number | undefined {
    if (seqno === this.baseSeqno) return this.baseView;
    if (seqno < this.baseSeqno) return undefined;
    return this.views[seqno - this.baseSeqno - 1];
  }

  /** kindAt: the offset (genesis or a snapshot, always taken at a signature) counts as a signature. */
  kindAt(seqno: number): EntryKind | undefined {
    if (seqno === this.baseSeqno) return 'signature';
    if (seqno < this.baseSeqno) return undefined;
    return this.kinds[seqno - this.baseSeqno - 1];
  }

  append(entry: LogEntry): void {
    if (entry.seqno !== this.lastSeqno + 1) {
      this.observer.onHistoryError(this, `append of seqno ${entry.seqno} after ${this.lastSeqno}`);
      return;
    }
    const prev = this.hashAt(this.lastSeqno)!;
    const hash = chainHash(prev, entry);
    this.hashes.push(hash);
    this.views.push(entry.view);
    this.kinds.push(entry.kind);
    this.observer.onAppend(this, entry, hash);
  }

  truncate(fromSeqno: number): void {
    if (fromSeqno <= this.baseSeqno) {
      this.observer.onHistoryError(this, `truncate from ${fromSeqno} into the offset ${this.baseSeqno}`);
      return;
    }
    if (fromSeqno > this.lastSeqno) return;
    this.observer.onTruncate(this, fromSeqno);
    const keep = fromSeqno - this.baseSeqno - 1;
    this.hashes.length = keep;
    this.views.length = keep;
    this.kinds.length = keep;
  }

  /** reset starts over at `snapshot`, whose prefix has chain hash `hash` (null: unknown origin). */
  reset(snapshot: Snapshot, hash: string | null): void {
    if (hash === null) {
      this.observer.onHistoryError(this, `snapshot at ${snapshot.seqno} was never taken by any node`);
      return;
    }
    this.baseSeqno = snapshot.seqno;
    this.baseHash = hash;
    this.baseView = snapshot.view;
    this.hashes = [];
    this.views = [];
    this.kinds = [];
    this.observer.onReset(this, snapshot);
  }
}
