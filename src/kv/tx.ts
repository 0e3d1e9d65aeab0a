// tx.ts: a transaction over the store: map handles that record a read set and a write set.
// Reads see the transaction's own writes first, then the store's committed state. Nothing is
// visible to others until Store.commit applies the write set.
import { bytesToLatin1, latin1ToBytes } from '../codec/latin1.js';
import { keyBytesMax, ledgerEntryBytesMax, valueBytesMax } from '../constants.js';
import { assert } from '../ds/assert.js';
import { LimitExceededError } from '../ds/errors.js';
import { ConflictError } from './errors.js';
import { mapDomain, mapNameBytesLength } from './map-name.js';
import type { Domain } from './map-name.js';
import type { MapView, StateSource } from './state.js';

/** Per-write framing overhead counted against ledgerEntryBytesMax (lengths, op byte). */
const writeOverheadBytes = 16;

/**
 * Tx is one transaction, created by Store.begin(). Handlers use tx.map(name); the store then
 * commits it (once) or it is dropped. A Tx is not safe to use after commit.
 */
export class Tx {
  readonly beginSeqno: number;
  readonly generation: number;
  private readonly source: StateSource;
  private readonly handles = new Map<string, MapHandle>();
  private writeSizeBytes = 0;
  private closed = false;

  constructor(source: StateSource) {
    this.source = source;
    this.beginSeqno = source.seqno;
    this.generation = source.generation;
  }

  /**
   * map returns the handle of map `name` (the same handle on every call). Throws
   * InvalidMapNameError or LimitExceededError (mapNameBytesMax) for a bad name.
   */
  map(name: string): MapHandle {
    let handle = this.handles.get(name);
    if (handle === undefined) {
      handle = new MapHandle(this, name, mapNameBytesLength(name));
      this.handles.set(name, handle);
    }
    return handle;
  }

  /** writeSizeBytes estimates the serialised size of the writes so far. */
  get estimatedWriteSizeBytes(): number {
    return this.writeSizeBytes;
  }

  /** isReadOnly is true when nothing has been written (such a tx need not be committed). */
  isReadOnly(): boolean {
    for (const handle of this.handles.values()) if (handle.writeCount > 0) return false;
    return true;
  }

  /** @internal handlesForCommit lists the handles; called once by Store.commit. */
  closeForCommit(): MapHandle[] {
    assert(!this.closed, 'a transaction is committed at most once');
    this.closed = true;
    return Array.from(this.handles.values());
  }

  /** @internal the store state this transaction reads (checked for staleness). */
  readMap(name: string): MapView | undefined {
    assert(!this.closed, 'transaction used after commit');
    if (this.source.generation !== this.generation) {
      throw new ConflictError(name, 'the store was rolled back since the transaction began');
    }
    return this.source.getMap(name);
  }

  /** @internal accountWrite adds `deltaBytes` to the size estimate, enforcing the entry limit. */
  accountWrite(deltaBytes: number): void {
    assert(!this.closed, 'transaction used after commit');
    const next = this.writeSizeBytes + deltaBytes;
    if (next > ledgerEntryBytesMax) {
      throw new LimitExceededError({ limitName: 'ledgerEntryBytesMax', limit: ledgerEntryBytesMax, actual: next });
    }
    this.writeSizeBytes = next;
  }
}

/**
 * MapHandle reads and writes one map within a transaction. Keys and values are bytes; set()
 * copies its arguments and get() returns a fresh copy, so callers may reuse or mutate buffers.
 */
export class MapHandle {
  readonly name: string;
  readonly domain: Domain;
  /** nameBytesLength is the UTF-8 length of `name`. */
  readonly nameBytesLength: number;
  private readonly tx: Tx;
  /**
   * @internal writes: latin1 key → latin1 value, or null for a delete. A latin1 string is the
   * one copy set() takes, and what the store keeps and the write set encodes, unconverted.
   */
  readonly writes = new Map<string, string | null>();
  /** reads: latin1 key → version observed in committed state (0: absent). */
  readonly reads = new Map<string, number>();
  /** iteratedVersion: the map version seen by forEach, or -1 if never iterated. */
  iteratedVersion = -1;

  constructor(tx: Tx, name: string, nameBytesLength: number) {
    this.tx = tx;
    this.name = name;
    this.nameBytesLength = nameBytesLength;
    this.domain = mapDomain(name);
    tx.accountWrite(nameBytesLength + writeOverheadBytes);
  }

  /** writeCount is the number of keys written (set or deleted) in this transaction. */
  get writeCount(): number {
    return this.writes.size;
  }

  /** get returns a copy of the value of `key`, or undefined when absent. */
  get(key: Uint8Array): Uint8Array | undefined {
    const k = bytesToLatin1(key);
    if (this.writes.has(k)) return copyOut(this.writes.get(k)!);
    const value = this.readCommitted(k);
    return value === undefined ? undefined : latin1ToBytes(value);
  }

  /** has tells whether `key` is present (records a read like get). */
  has(key: Uint8Array): boolean {
    const k = bytesToLatin1(key);
    if (this.writes.has(k)) return this.writes.get(k) !== null;
    return this.readCommitted(k) !== undefined;
  }

  /** set writes `value` at `key`. Throws LimitExceededError (keyBytesMax, valueBytesMax, entry). */
  set(key: Uint8Array, value: Uint8Array): void {
    checkLength('keyBytesMax', keyBytesMax, key.length);
    checkLength('valueBytesMax', valueBytesMax, value.length);
    this.write(bytesToLatin1(key), bytesToLatin1(value));
  }

  /** delete removes `key` (recorded as an explicit delete even if the key is absent). */
  delete(key: Uint8Array): void {
    checkLength('keyBytesMax', keyBytesMax, key.length);
    this.write(bytesToLatin1(key), null);
  }

  /**
   * forEach calls `visit(value, key)` for every present key in bytewise key order (so handlers
   * behave the same on every node), own writes included; `visit` returning false stops early.
   * Records the whole map in the read set: any commit to this map meanwhile is a conflict.
   * Cost: O(n log n) in the map size. `visit` must not write to this map.
   */
  forEach(visit: (value: Uint8Array, key: Uint8Array) => unknown): void {
    const map = this.tx.readMap(this.name);
    if (this.iteratedVersion === -1) this.iteratedVersion = map?.version ?? 0;
    const keys = new Set<string>(map === undefined ? [] : map.entries.keys());
    for (const k of this.writes.keys()) keys.add(k);
    const sorted = Array.from(keys).sort();
    for (const k of sorted) {
      let value: Uint8Array | undefined;
      if (this.writes.has(k)) value = copyOut(this.writes.get(k)!);
      else {
        const entry = map?.entries.get(k);
        value = entry === undefined ? undefined : latin1ToBytes(entry.value);
      }
      if (value === undefined) continue;
      if (visit(value, latin1ToBytes(k)) === false) return;
    }
  }

  private readCommitted(k: string): string | undefined {
    const entry = this.tx.readMap(this.name)?.entries.get(k);
    const version = entry?.version ?? 0;
    if (version > this.tx.beginSeqno) {
      throw new ConflictError(this.name, 'a key read was written after the transaction began');
    }
    if (!this.reads.has(k)) this.reads.set(k, version);
    return entry?.value;
  }

  private write(k: string, value: string | null): void {
    const previous = this.writes.get(k);
    let delta = (value?.length ?? 0) - (previous?.length ?? 0);
    if (previous === undefined && !this.writes.has(k)) delta += k.length + writeOverheadBytes;
    this.tx.accountWrite(delta);
    this.writes.set(k, value);
  }
}

/** copyOut is a written value as fresh bytes (undefined for a delete). */
function copyOut(value: string | null): Uint8Array | undefined {
  return value === null ? undefined : latin1ToBytes(value);
}

function checkLength(limitName: string, limit: number, actual: number): void {
  if (actual > limit) throw new LimitExceededError({ limitName, limit, actual });
}
