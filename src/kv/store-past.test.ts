// Goal: Store.beginAt reads exactly the state as of a past seqno (what linearizable reads need).
// Method: a scripted history of sets and deletes, then reads at every seqno compared to a model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from './store.js';
import { bytesToString, stringToBytes } from './values.js';

const key = stringToBytes('k');

function put(store: Store, seqno: number, value: string | null, map = 'public:m'): void {
  const tx = store.begin();
  if (value === null) tx.map(map).delete(key);
  else tx.map(map).set(key, stringToBytes(value));
  store.commit(tx, seqno);
}

function readAt(store: Store, seqno: number, map = 'public:m'): string | undefined {
  const v = store.beginAt(seqno).map(map).get(key);
  return v === undefined ? undefined : bytesToString(v);
}

test('beginAt sees each past state, including deletes and maps created later', () => {
  const store = new Store();
  put(store, 1, 'a');
  put(store, 2, 'b');
  put(store, 3, null);
  put(store, 4, 'x', 'other');
  put(store, 5, 'c');
  assert.equal(readAt(store, 1), 'a');
  assert.equal(readAt(store, 2), 'b');
  assert.equal(readAt(store, 3), undefined);
  assert.equal(readAt(store, 4), undefined);
  assert.equal(readAt(store, 5), 'c');
  assert.equal(readAt(store, 3, 'other'), undefined);
  assert.equal(readAt(store, 4, 'other'), 'x');
  const seen: string[] = [];
  store.beginAt(2).map('public:m').forEach((v) => {
    seen.push(bytesToString(v));
  });
  assert.deepEqual(seen, ['b']);
});

test('beginAt matches a replayed store at every seqno of a random history', () => {
  const store = new Store();
  const values: (string | undefined)[] = [undefined];
  let current: string | undefined;
  for (let s = 1; s <= 200; s++) {
    const v = s % 7 === 0 ? null : `v${(s * 37) % 11}`;
    put(store, s, v);
    current = v ?? undefined;
    values.push(current);
  }
  store.compact(50);
  for (let s = 50; s <= 200; s++) assert.equal(readAt(store, s), values[s]);
});
