// state.ts: the in-memory representation of committed state, shared by Store, Tx and snapshots.
// Keys and values are held as latin1 strings (one code unit per byte, see codec/latin1.ts):
// compact, immutable (no caller can alias or mutate stored bytes) and usable as Map keys.

/** Entry is one key's committed value (latin1) and version (seqno of its last write, ≥ 1). */
export interface Entry {
  readonly value: string;
  readonly version: number;
}

/** KvMap is one named map: entries by latin1 key, and the seqno of its last write (0: never). */
export class KvMap {
  readonly name: string;
  readonly entries = new Map<string, Entry>();
  version = 0;

  constructor(name: string) {
    this.name = name;
  }
}

/** MapView is what a Tx reads of one map: its version and entries (a KvMap, or a past view). */
export interface MapView {
  readonly version: number;
  readonly entries: {
    get(key: string): Entry | undefined;
    keys(): IterableIterator<string>;
  };
}

/** StateSource is what a Tx reads: the store's committed state and change counters. */
export interface StateSource {
  /** seqno of the last applied write set. */
  readonly seqno: number;
  /** generation changes on every rollback, so transactions spanning one conflict. */
  readonly generation: number;
  /** getMap returns the map named `name`, or undefined if it was never written. */
  getMap(name: string): MapView | undefined;
}
