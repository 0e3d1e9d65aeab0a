// undo-log.ts: what it takes to roll applied write sets back. One record per applied seqno
// above the committed seqno; Store.compact drops the records at or below it. The records share
// flat parallel arrays (no objects or arrays of their own): each applied write set adds only
// array slots, which matters because they live until commit, past several young-generation GCs.
import { assert } from '../ds/assert.js';
import type { Entry, KvMap } from './state.js';

/** UndoLog is a queue of undo records in increasing seqno order. */
export class UndoLog {
  /** Per record: its seqno and where its key and map undo entries start. */
  private readonly seqnos: number[] = [];
  private readonly keyStarts: number[] = [];
  private readonly mapStarts: number[] = [];
  /** Keys written (parallel arrays), with their entry before the write set, oldest first. */
  private readonly keyMaps: KvMap[] = [];
  private readonly keys: string[] = [];
  private readonly previous: (Entry | undefined)[] = [];
  /** Maps written, with their version before the write set, oldest first. */
  private readonly maps: KvMap[] = [];
  private readonly mapVersions: number[] = [];

  /** start opens the record of `seqno` (greater than every recorded seqno). */
  start(seqno: number): void {
    const last = this.seqnos[this.seqnos.length - 1];
    if (last !== undefined) assert(last < seqno, 'undo records increase');
    this.seqnos.push(seqno);
    this.keyStarts.push(this.keys.length);
    this.mapStarts.push(this.maps.length);
  }

  /** recordKey notes, in the open record, the entry `key` of `map` had before it was written. */
  recordKey(map: KvMap, key: string, previous: Entry | undefined): void {
    assert(this.seqnos.length > 0, 'a record is open');
    this.keyMaps.push(map);
    this.keys.push(key);
    this.previous.push(previous);
  }

  /** recordMap notes, in the open record, the version `map` had before it was written. */
  recordMap(map: KvMap, versionBefore: number): void {
    assert(this.seqnos.length > 0, 'a record is open');
    this.maps.push(map);
    this.mapVersions.push(versionBefore);
  }

  /** rollback undoes every record above `toSeqno`, newest first. */
  rollback(toSeqno: number): void {
    const index = this.firstAbove(toSeqno);
    if (index === this.seqnos.length) return;
    const keyStart = this.keyStarts[index]!;
    const mapStart = this.mapStarts[index]!;
    for (let i = this.keys.length - 1; i >= keyStart; i--) {
      const map = this.keyMaps[i]!;
      const previous = this.previous[i];
      if (previous === undefined) map.entries.delete(this.keys[i]!);
      else map.entries.set(this.keys[i]!, previous);
    }
    for (let i = this.maps.length - 1; i >= mapStart; i--) this.maps[i]!.version = this.mapVersions[i]!;
    this.seqnos.length = index;
    this.keyStarts.length = index;
    this.mapStarts.length = index;
    this.keyMaps.length = this.keys.length = this.previous.length = keyStart;
    this.maps.length = this.mapVersions.length = mapStart;
  }

  /** compact forgets the records at or below `seqno` (they can no longer be rolled back). */
  compact(seqno: number): void {
    const count = this.firstAbove(seqno);
    if (count === 0) return;
    const keyCount = count === this.seqnos.length ? this.keys.length : this.keyStarts[count]!;
    const mapCount = count === this.seqnos.length ? this.maps.length : this.mapStarts[count]!;
    this.seqnos.splice(0, count);
    this.keyStarts.splice(0, count);
    this.mapStarts.splice(0, count);
    for (let i = 0; i < this.seqnos.length; i++) {
      this.keyStarts[i] = this.keyStarts[i]! - keyCount;
      this.mapStarts[i] = this.mapStarts[i]! - mapCount;
    }
    this.keyMaps.splice(0, keyCount);
    this.keys.splice(0, keyCount);
    this.previous.splice(0, keyCount);
    this.maps.splice(0, mapCount);
    this.mapVersions.splice(0, mapCount);
  }

  /**
   * forEachKeyAbove visits the keys written above `seqno` with their entry before, newest record
   * first (for views of past states: the last visit of a key is its entry as of `seqno`).
   */
  forEachKeyAbove(seqno: number, visit: (map: KvMap, key: string, previous: Entry | undefined) => void): void {
    const index = this.firstAbove(seqno);
    if (index === this.seqnos.length) return;
    for (let i = this.keys.length - 1; i >= this.keyStarts[index]!; i--) {
      visit(this.keyMaps[i]!, this.keys[i]!, this.previous[i]);
    }
  }

  /** forEachMapAbove visits the maps written above `seqno` with their version before, newest first. */
  forEachMapAbove(seqno: number, visit: (map: KvMap, versionBefore: number) => void): void {
    const index = this.firstAbove(seqno);
    if (index === this.seqnos.length) return;
    for (let i = this.maps.length - 1; i >= this.mapStarts[index]!; i--) visit(this.maps[i]!, this.mapVersions[i]!);
  }

  /** size is the number of records kept. */
  get size(): number {
    return this.seqnos.length;
  }

  /** firstAbove is the index of the oldest record above `seqno` (size if none). */
  private firstAbove(seqno: number): number {
    let index = this.seqnos.length;
    while (index > 0 && this.seqnos[index - 1]! > seqno) index--;
    return index;
  }
}
