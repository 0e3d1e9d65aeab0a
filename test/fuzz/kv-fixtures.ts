// kv-fixtures.ts: seeded generators of random transactions, write sets and stores, shared by the
// kv unit tests, the kv fuzzers and the kv benchmark.
import type { SeededRng } from '../../src/ds/rng.js';
import { Store } from '../../src/kv/store.js';
import type { Tx } from '../../src/kv/tx.js';
import type { WriteSet } from '../../src/kv/write-set.js';

/** mapNamePool mixes domains and characters whose UTF-16 and UTF-8 orders differ. */
export const mapNamePool = [
  'public:a',
  'public:ccf.gov.nodes.info',
  'public:\u{1f600}',
  'public:\ue000',
  'private',
  'é',
  '\u{1f600}x',
  '\ue000',
];

/** randomBytes returns `length` bytes from a small alphabet (collisions) or the full range. */
export function randomBytes(rng: SeededRng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const wide = rng.chance(0.5);
  for (let i = 0; i < length; i++) out[i] = wide ? rng.int(0, 255) : rng.int(0x61, 0x63);
  return out;
}

/** fillRandomTx performs `writeCount` random sets/deletes (and some reads) in `tx`. */
export function fillRandomTx(rng: SeededRng, tx: Tx, writeCount: number): void {
  for (let i = 0; i < writeCount; i++) {
    const map = tx.map(mapNamePool[rng.int(0, mapNamePool.length - 1)]!);
    const key = randomBytes(rng, rng.int(0, 3));
    const op = rng.int(0, 9);
    if (op === 0) map.delete(key);
    else if (op === 1) map.get(key);
    else map.set(key, randomBytes(rng, rng.int(0, 40)));
  }
}

/** randomWriteSet commits a random transaction to `store` at the next seqno. */
export function randomWriteSet(rng: SeededRng, store: Store, writeCountMax = 12): WriteSet {
  const tx = store.begin();
  fillRandomTx(rng, tx, rng.int(1, writeCountMax));
  return store.commit(tx, store.seqno + 1);
}

/** randomStore builds a store from `txCount` random transactions. */
export function randomStore(rng: SeededRng, txCount: number): Store {
  const store = new Store();
  for (let i = 0; i < txCount; i++) randomWriteSet(rng, store);
  return store;
}
