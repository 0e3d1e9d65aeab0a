// undo-log.ts: what it takes to roll applied write sets back. One record per applied seqno
// above the committed seqno; Store.compact drops the records at or below it.
import { assert } from '../ds/assert.js';
import type { Entry, KvMap } from './state.js';

/** UndoRecord restores the state before the write set applied at `seqno`. */
export interface UndoRecord {
  readonly seqno: number;
  /** Maps written, with their version before the write set. */
  readonly maps: KvMap[];
  readonly mapVersions: number[];
  /** Keys written (parallel arrays), with their entry before the write set. */
  readonly keyMaps: KvMap[];
  readonly keys: string[];
  readonly previous: (Entry | undefined)[];
}

/** UndoLog is a queue of undo records in increasing seqno order. */
export class UndoLog {
  private records: UndoRecord[] = [];

  /** start opens the record of `seqno` (greater than every recorded seqno). */
  start(seqno: number): UndoRecord {
    const last = this.records[this.records.length - 1];
    if (last !== undefined) assert(last.seqno < seqno, 'undo records increase');
    const record: UndoRecord = { seqno, maps: [], mapVersions: [], keyMaps: [], keys: [], previous: [] };
    this.records.push(record);
    return record;
  }

  /** rollback undoes every record above `toSeqno`, newest first. */
  rollback(toSeqno: number): void {
    while (this.records.length > 0) {
      const record = this.records[this.records.length - 1]!;
      if (record.seqno <= toSeqno) break;
      this.records.pop();
      undo(record);
    }
  }

  /** compact forgets the records at or below `seqno` (they can no longer be rolled back). */
  compact(seqno: number): void {
    let count = 0;
    while (count < this.records.length && this.records[count]!.seqno <= seqno) count++;
    if (count > 0) this.records.splice(0, count);
  }

  /** above lists the records above `seqno`, newest first (for snapshots of past states). */
  above(seqno: number): UndoRecord[] {
    const out: UndoRecord[] = [];
    for (let i = this.records.length - 1; i >= 0 && this.records[i]!.seqno > seqno; i--) {
      out.push(this.records[i]!);
    }
    return out;
  }

  /** size is the number of records kept. */
  get size(): number {
    return this.records.length;
  }
}

function undo(record: UndoRecord): void {
  for (let i = record.keys.length - 1; i >= 0; i--) {
    const map = record.keyMaps[i]!;
    const key = record.keys[i]!;
    const previous = record.previous[i];
    if (previous === undefined) map.entries.delete(key);
    else map.entries.set(key, previous);
  }
  for (let i = record.maps.length - 1; i >= 0; i--) {
    record.maps[i]!.version = record.mapVersions[i]!;
  }
}
