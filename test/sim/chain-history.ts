// ChainHistory: the simulator's History (the Merkle tree's stand-in). It keeps the running chain
// hash of every log prefix, and `sign` returns the 8-byte chain hash of the prefix before the
// signature, so anyone can check a signature entry against the log it claims to cover.
import type { EntryKind, History, LogEntry, Snapshot, TxId } from '../../src/consensus/types.js';
import { chainHash } from './chain.js';
import { GENESIS_HASH, bytesToHex, hexToBytes } from './hash.js';

/** HistoryObserver receives every history change (the safety checker). */
export interface HistoryObserver {
  onAppend(history: ChainHistory, entry: LogEntry, hash: string, prevHash: string): void;
  onTruncate(history: ChainHistory, fromSeqno: number): void;
  onReset(history: ChainHistory, snapshot: Snapshot): void;
  onHistoryError(history: ChainHistory, message: string): void;
}

/** ChainHistory implements History over chain hashes; one per node life. */
export class ChainHistory implements History {
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
    this.observer.onAppend(this, entry, hash, prev);
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

  reset(snapshot: Snapshot): void {
    if (!(snapshot.data instanceof Uint8Array) || snapshot.data.length !== 8) {
      this.observer.onHistoryError(this, `snapshot at ${snapshot.seqno} has a bad digest`);
      return;
    }
    this.baseSeqno = snapshot.seqno;
    this.baseHash = bytesToHex(snapshot.data);
    this.baseView = snapshot.view;
    this.hashes = [];
    this.views = [];
    this.kinds = [];
    this.observer.onReset(this, snapshot);
  }

  sign(txId: TxId): Uint8Array {
    if (txId.seqno !== this.lastSeqno + 1) {
      this.observer.onHistoryError(this, `sign(${txId.view}.${txId.seqno}) with last ${this.lastSeqno}`);
    }
    return hexToBytes(this.hashAt(txId.seqno - 1) ?? GENESIS_HASH);
  }
}
