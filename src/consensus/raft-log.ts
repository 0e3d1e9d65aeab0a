import { assert } from '../ds/assert.js';
import type { LogEntry, TxId } from './types.js';

/**
 * RaftLog is the in-memory log of one node: the entries after the last compaction point
 * (`offsetSeqno`, the seqno of the snapshot the log starts after), plus the seqnos of signature
 * entries for the CCF rules (votes compare last signatures; commit points are signatures).
 * The snapshot point counts as a signature: snapshots are only ever taken at committed signatures.
 */
export class RaftLog {
  private entries: LogEntry[] = [];
  /** Index in `entries` of the first live entry (compaction drops a prefix lazily). */
  private head = 0;
  private offsetSeqnoValue: number;
  private offsetViewValue: number;
  /** Seqnos of signature entries in the live log, ascending. */
  private signatures: number[] = [];
  private signaturesHead = 0;

  constructor(offset: TxId) {
    assert(offset.seqno >= 0 && offset.view >= 0, 'log offset must be non-negative');
    this.offsetSeqnoValue = offset.seqno;
    this.offsetViewValue = offset.view;
  }

  /** offsetSeqno is the seqno the log starts after (0 for an uncompacted log). */
  get offsetSeqno(): number {
    return this.offsetSeqnoValue;
  }

  get offsetView(): number {
    return this.offsetViewValue;
  }

  get lastSeqno(): number {
    return this.offsetSeqnoValue + this.entries.length - this.head;
  }

  get lastView(): number {
    const n = this.entries.length;
    return n > this.head ? this.entries[n - 1]!.view : this.offsetViewValue;
  }

  /** entryAt returns the entry at `seqno`, or undefined when compacted away or beyond the end. */
  entryAt(seqno: number): LogEntry | undefined {
    if (seqno <= this.offsetSeqnoValue) return undefined;
    return this.entries[this.head + seqno - this.offsetSeqnoValue - 1];
  }

  /** viewAt returns the view of the entry at `seqno` (the snapshot point included). */
  viewAt(seqno: number): number | undefined {
    if (seqno === this.offsetSeqnoValue) return this.offsetViewValue;
    return this.entryAt(seqno)?.view;
  }

  /** append adds `entry` at lastSeqno + 1. */
  append(entry: LogEntry): void {
    const n = this.entries.length;
    const last = n > this.head ? this.entries[n - 1]! : undefined;
    assert(entry.seqno === (last?.seqno ?? this.offsetSeqnoValue) + 1, 'append must be contiguous');
    assert(entry.view >= (last?.view ?? this.offsetViewValue), 'views never decrease along the log');
    this.entries.push(entry);
    if (entry.kind === 'signature') this.signatures.push(entry.seqno);
  }

  /** truncateFrom drops every entry with seqno >= `fromSeqno`. */
  truncateFrom(fromSeqno: number): void {
    assert(fromSeqno > this.offsetSeqnoValue, 'cannot truncate into the compacted prefix');
    if (fromSeqno > this.lastSeqno) return;
    this.entries.length = this.head + fromSeqno - this.offsetSeqnoValue - 1;
    while (this.signatures.length > this.signaturesHead) {
      const last = this.signatures[this.signatures.length - 1]!;
      if (last < fromSeqno) break;
      this.signatures.pop();
    }
    assert(this.lastSeqno === fromSeqno - 1, 'truncate postcondition');
  }

  /** compactTo forgets entries up to and including `seqno` (which must be a live entry or the offset). */
  compactTo(seqno: number): void {
    if (seqno <= this.offsetSeqnoValue) return;
    assert(seqno <= this.lastSeqno, 'cannot compact beyond the end of the log');
    const view = this.viewAt(seqno);
    assert(view !== undefined, 'compaction point must be in the log');
    this.head += seqno - this.offsetSeqnoValue;
    this.offsetSeqnoValue = seqno;
    this.offsetViewValue = view;
    while (this.signaturesHead < this.signatures.length) {
      if (this.signatures[this.signaturesHead]! > seqno) break;
      this.signaturesHead++;
    }
    // Reclaim memory once the dead prefix dominates, so memory stays flat under compaction.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.signaturesHead > 1024 && this.signaturesHead * 2 > this.signatures.length) {
      this.signatures = this.signatures.slice(this.signaturesHead);
      this.signaturesHead = 0;
    }
  }

  /** reset drops everything and restarts the log after `offset` (snapshot install). */
  reset(offset: TxId): void {
    this.entries = [];
    this.head = 0;
    this.signatures = [];
    this.signaturesHead = 0;
    this.offsetSeqnoValue = offset.seqno;
    this.offsetViewValue = offset.view;
  }

  /** lastSignature returns the last signature entry's tx id (the snapshot point if none is live). */
  lastSignature(): TxId {
    if (this.signatures.length > this.signaturesHead) {
      const seqno = this.signatures[this.signatures.length - 1]!;
      return { view: this.viewAt(seqno)!, seqno };
    }
    return { view: this.offsetViewValue, seqno: this.offsetSeqnoValue };
  }

  /** lastSignatureAtOrBefore returns the greatest signature seqno <= `seqno` (or the offset). */
  lastSignatureAtOrBefore(seqno: number): number {
    let lo = this.signaturesHead;
    let hi = this.signatures.length - 1;
    let found = this.offsetSeqnoValue;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.signatures[mid]!;
      if (s <= seqno) {
        found = s;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return seqno < this.offsetSeqnoValue ? seqno : found;
  }

  /** unsignedCount is the number of entries after the last signature. */
  unsignedCount(): number {
    return this.lastSeqno - this.lastSignature().seqno;
  }

  /**
   * slice returns entries from `fromSeqno` up to `toSeqno` inclusive, stopping once `bytesMax`
   * of payload is reached (at least one entry is returned when any is available).
   */
  slice(fromSeqno: number, toSeqno: number, bytesMax: number): LogEntry[] {
    assert(fromSeqno > this.offsetSeqnoValue, 'slice from the compacted prefix');
    const end = Math.min(toSeqno, this.lastSeqno);
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let s = fromSeqno; s <= end; s++) {
      const e = this.entries[this.head + s - this.offsetSeqnoValue - 1]!;
      if (out.length > 0 && bytes + e.data.byteLength > bytesMax) break;
      bytes += e.data.byteLength;
      out.push(e);
    }
    return out;
  }
}
