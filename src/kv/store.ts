// store.ts: the transactional key-value store (DESIGN §4). It holds the applied state with a
// version (seqno) per key; transactions run optimistically against it; committed write sets are
// applied atomically, can be rolled back while uncommitted, and the state can be snapshotted.
import { bytesToLatin1, latin1ToBytes } from '../codec/latin1.js';
import { assert } from '../ds/assert.js';
import { ConflictError } from './errors.js';
import { compareMapNames } from './map-name.js';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotChunks, type SnapshotMap } from './snapshot.js';
import { type Entry, KvMap, type MapView, type StateSource } from './state.js';
import { type MapHandle, Tx } from './tx.js';
import { UndoLog } from './undo-log.js';
import {
  type KeyWrite,
  type Latin1MapWrites,
  type MapWrites,
  serializeLatin1WriteSet,
  type WriteSet,
  type WriteSetDomains,
} from './write-set.js';

/** snapshotChunkBytesDefault is the chunk size of Store.snapshotChunks. */
export const snapshotChunkBytesDefault = 1 << 20;

/**
 * Store is the KV state of one node. Seqnos of applied write sets strictly increase. Writes
 * above the compacted seqno keep undo information (call compact() as the commit seqno moves,
 * or memory grows); rollback() may go back to any seqno at or above it. Synchronous and pure.
 */
export class Store implements StateSource {
  private readonly maps = new Map<string, KvMap>();
  private readonly undoLog = new UndoLog();
  private appliedSeqno = 0;
  private compactedTo = 0;
  private rollbackCount = 0;

  /** restore builds a store from a snapshot. Throws FormatError (see decodeSnapshot). */
  static restore(bytes: Uint8Array): Store {
    const decoded = decodeSnapshot(bytes);
    const store = new Store();
    for (const map of decoded.maps) store.maps.set(map.name, map);
    store.appliedSeqno = decoded.seqno;
    store.compactedTo = decoded.seqno;
    return store;
  }

  /** seqno is the seqno of the last applied write set (0 for an empty store). */
  get seqno(): number {
    return this.appliedSeqno;
  }

  /** compactedSeqno is the lowest seqno rollback() and snapshot() accept. */
  get compactedSeqno(): number {
    return this.compactedTo;
  }

  /** generation changes on every rollback (transactions spanning one conflict). */
  get generation(): number {
    return this.rollbackCount;
  }

  /** getMap returns the map called `name`, if it was ever written. Do not modify it. */
  getMap(name: string): KvMap | undefined {
    return this.maps.get(name);
  }

  /** mapNames lists the maps holding at least one key, in canonical (UTF-8 byte) order. */
  mapNames(): string[] {
    const names: string[] = [];
    for (const map of this.maps.values()) if (map.entries.size > 0) names.push(map.name);
    return names.sort(compareMapNames);
  }

  /** keyCount is the number of keys in map `name`. */
  keyCount(name: string): number {
    return this.maps.get(name)?.entries.size ?? 0;
  }

  /** begin starts a transaction reading the current state. */
  begin(): Tx {
    return new Tx(this);
  }

  /**
   * commit validates `tx` (optimistic concurrency: every key and map it read is unchanged, and
   * no rollback happened since it began) then applies its writes atomically at `seqno` (greater
   * than `this.seqno`). Returns the canonical write set (possibly empty; it still takes the
   * seqno). Throws ConflictError, leaving the store unchanged; a tx is committed at most once.
   */
  commit(tx: Tx, seqno: number): WriteSet {
    const committed = this.commitTx(tx, seqno);
    const maps: MapWrites[] = [];
    for (const { name, keys, values } of committed) {
      const writes: KeyWrite[] = [];
      for (const key of keys) {
        const value = values.get(key)!;
        writes.push({ key: latin1ToBytes(key), value: value === null ? null : latin1ToBytes(value) });
      }
      maps.push({ name, writes });
    }
    return { maps };
  }

  /**
   * commitSerialized is commit() returning the write set already serialised (what
   * serializeWriteSet(commit(tx, seqno)) returns, byte for byte), encoded straight from the
   * transaction's latin1 writes: the primary's per-transaction path. Throws ConflictError.
   */
  commitSerialized(tx: Tx, seqno: number): WriteSetDomains {
    return serializeLatin1WriteSet(this.commitTx(tx, seqno));
  }

  /** commitTx validates and applies `tx` (see commit); returns its writes in canonical order. */
  private commitTx(tx: Tx, seqno: number): Latin1MapWrites[] {
    assert(Number.isSafeInteger(seqno), 'seqno is an integer');
    assert(seqno > this.appliedSeqno, 'commit seqnos strictly increase');
    const handles = tx.closeForCommit();
    if (tx.generation !== this.rollbackCount) {
      throw new ConflictError(handles[0]?.name ?? '', 'the store was rolled back since begin');
    }
    for (const handle of handles) this.validate(handle);
    const written: Latin1MapWrites[] = [];
    for (const handle of handles) {
      if (handle.writeCount === 0) continue;
      const { name, nameBytesLength, writes } = handle;
      written.push({ name, nameBytesLength, keys: sortedKeys(writes), values: writes });
    }
    if (written.length > 1) written.sort((a, b) => compareMapNames(a.name, b.name));
    this.undoLog.start(seqno);
    for (const { name, keys, values } of written) {
      const map = this.touchMap(name, seqno);
      for (const key of keys) this.writeEntry(map, key, values.get(key)!, seqno);
    }
    this.appliedSeqno = seqno;
    return written;
  }

  /**
   * apply applies a committed write set (e.g. at a backup) at `seqno` (greater than
   * `this.seqno`), atomically. The write set must be canonical (from deserializeWriteSet).
   */
  apply(ws: WriteSet, seqno: number): void {
    assert(Number.isSafeInteger(seqno), 'seqno is an integer');
    assert(seqno > this.appliedSeqno, 'applied seqnos strictly increase');
    this.undoLog.start(seqno);
    for (const { name, writes } of ws.maps) {
      assert(writes.length > 0, 'write-set maps are not empty');
      const map = this.touchMap(name, seqno);
      for (const { key, value } of writes) {
        this.writeEntry(map, bytesToLatin1(key), value === null ? null : bytesToLatin1(value), seqno);
      }
    }
    this.appliedSeqno = seqno;
  }

  /**
   * rollback undoes every write set applied above `toSeqno` (compactedSeqno ≤ toSeqno ≤ seqno);
   * open transactions will conflict. Consensus calls it when an election truncates the log.
   */
  rollback(toSeqno: number): void {
    assert(toSeqno >= this.compactedTo, 'rollback stays at or above the compacted seqno');
    assert(toSeqno <= this.appliedSeqno, 'rollback goes backwards');
    this.undoLog.rollback(toSeqno);
    this.appliedSeqno = toSeqno;
    this.rollbackCount++;
  }

  /**
   * compact forgets the undo information at or below `committedSeqno` (monotonic, ≤ seqno):
   * those writes are committed and can never be rolled back.
   */
  compact(committedSeqno: number): void {
    assert(committedSeqno >= this.compactedTo, 'compact is monotonic');
    assert(committedSeqno <= this.appliedSeqno, 'compact only applied seqnos');
    this.undoLog.compact(committedSeqno);
    this.compactedTo = committedSeqno;
  }

  /** undoRecordCount is the number of write sets that could still be rolled back. */
  get undoRecordCount(): number {
    return this.undoLog.size;
  }

  /**
   * beginAt starts a READ-ONLY transaction that sees the state as of `seqno` (compactedSeqno ≤
   * seqno ≤ this.seqno): later writes are undone virtually from the undo log. Linearizable reads
   * use it to read exactly the committed state. Committing such a transaction is a bug.
   */
  beginAt(seqno: number): Tx {
    assert(seqno >= this.compactedTo, 'read at or above the compacted seqno');
    assert(seqno <= this.appliedSeqno, 'read at an applied seqno');
    if (seqno === this.appliedSeqno) return new Tx(this);
    const keyOverrides = this.pastOverrides(seqno);
    const versionOverrides = new Map<KvMap, number>();
    this.undoLog.forEachMapAbove(seqno, (map, versionBefore) => versionOverrides.set(map, versionBefore));
    const maps = this.maps;
    const source: StateSource = {
      seqno,
      generation: this.rollbackCount,
      getMap: (name: string): MapView | undefined => {
        const map = maps.get(name);
        if (map === undefined) return undefined;
        const version = versionOverrides.get(map) ?? map.version;
        const override = keyOverrides.get(map);
        if (override === undefined) return { version, entries: map.entries };
        return { version, entries: pastEntries(map, override) };
      },
    };
    return new Tx(source);
  }

  /** snapshot returns the snapshot of the state at `atSeqno` (compactedSeqno ≤ atSeqno ≤ seqno). */
  snapshot(atSeqno: number): Uint8Array {
    assert(atSeqno >= this.compactedTo, 'snapshot at or above the compacted seqno');
    assert(atSeqno <= this.appliedSeqno, 'snapshot of an applied seqno');
    return encodeSnapshot(atSeqno, this.snapshotMaps(atSeqno));
  }

  /**
   * snapshotChunks yields the snapshot at `atSeqno` in chunks of about `chunkBytes`. The store
   * must not change while the generator is being consumed.
   */
  *snapshotChunks(atSeqno: number, chunkBytes = snapshotChunkBytesDefault): Generator<Uint8Array> {
    assert(atSeqno >= this.compactedTo, 'snapshot at or above the compacted seqno');
    assert(atSeqno <= this.appliedSeqno, 'snapshot of an applied seqno');
    const seqnoBefore = this.appliedSeqno;
    const generationBefore = this.rollbackCount;
    for (const chunk of encodeSnapshotChunks(atSeqno, this.snapshotMaps(atSeqno), chunkBytes)) {
      yield chunk;
      assert(this.appliedSeqno === seqnoBefore, 'store unchanged during a snapshot');
      assert(this.rollbackCount === generationBefore, 'store unchanged during a snapshot');
    }
  }

  private validate(handle: MapHandle): void {
    const map = this.maps.get(handle.name);
    if (handle.iteratedVersion !== -1 && (map?.version ?? 0) !== handle.iteratedVersion) {
      throw new ConflictError(handle.name, 'the map changed after it was iterated');
    }
    for (const [key, version] of handle.reads) {
      if ((map?.entries.get(key)?.version ?? 0) !== version) {
        throw new ConflictError(handle.name, 'a key read has changed');
      }
    }
  }

  private touchMap(name: string, seqno: number): KvMap {
    let map = this.maps.get(name);
    if (map === undefined) {
      map = new KvMap(name);
      this.maps.set(name, map);
    }
    this.undoLog.recordMap(map, map.version);
    map.version = seqno;
    return map;
  }

  /** writeEntry applies one write (a latin1 value, null to delete), recording how to undo it. */
  private writeEntry(map: KvMap, key: string, value: string | null, seqno: number): void {
    this.undoLog.recordKey(map, key, map.entries.get(key));
    if (value === null) map.entries.delete(key);
    else map.entries.set(key, { value, version: seqno });
  }

  /** pastOverrides maps each key written above `seqno` to its entry as of `seqno`, per map. */
  private pastOverrides(seqno: number): Map<KvMap, Map<string, Entry | undefined>> {
    const overrides = new Map<KvMap, Map<string, Entry | undefined>>();
    this.undoLog.forEachKeyAbove(seqno, (map, key, previous) => {
      let override = overrides.get(map);
      if (override === undefined) {
        override = new Map();
        overrides.set(map, override);
      }
      override.set(key, previous);
    });
    return overrides;
  }

  /** snapshotMaps lists the non-empty maps as of `atSeqno`, undoing later writes virtually. */
  private snapshotMaps(atSeqno: number): SnapshotMap[] {
    const overrides = this.pastOverrides(atSeqno);
    const out: SnapshotMap[] = [];
    for (const map of this.maps.values()) {
      const snapshotMap = viewAt(map, overrides.get(map));
      if (snapshotMap.keys.length > 0) out.push(snapshotMap);
    }
    return out.sort((a, b) => compareMapNames(a.name, b.name));
  }
}

function pastEntries(map: KvMap, override: Map<string, Entry | undefined>): MapView['entries'] {
  return {
    get: (k: string) => (override.has(k) ? override.get(k) : map.entries.get(k)),
    keys: () => {
      const keys = new Set(map.entries.keys());
      for (const [key, entry] of override) {
        if (entry === undefined) keys.delete(key);
        else keys.add(key);
      }
      return keys.values();
    },
  };
}

function viewAt(map: KvMap, override: Map<string, Entry | undefined> | undefined): SnapshotMap {
  const entries = map.entries;
  if (override === undefined) {
    return { name: map.name, keys: Array.from(entries.keys()).sort(), entryOf: (k) => entries.get(k)! };
  }
  // Keys present now and not written since, then keys present as of the past seqno.
  const keys: string[] = [];
  for (const key of entries.keys()) if (!override.has(key)) keys.push(key);
  for (const [key, entry] of override) if (entry !== undefined) keys.push(key);
  // Listed keys are either in `override` with an entry or untouched since: `??` picks the right one.
  const entryOf = (k: string): Entry => override.get(k) ?? entries.get(k)!;
  return { name: map.name, keys: keys.sort(), entryOf };
}

/** sortedKeys lists the written keys in bytewise order (latin1 `<` is bytewise). */
function sortedKeys(writes: ReadonlyMap<string, string | null>): string[] {
  if (writes.size === 1) {
    for (const key of writes.keys()) return [key];
  }
  return Array.from(writes.keys()).sort();
}

