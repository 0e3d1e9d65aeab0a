// Goal: transactions behave as documented — reads see own writes, values are copied in and out,
// limits and map names are checked with typed errors, forEach is ordered and sees own writes,
// and optimistic concurrency control rejects stale reads with ConflictError.
// Method: small hand-written scenarios against a fresh Store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyBytesMax, mapNameBytesMax, valueBytesMax } from '../constants.js';
import { LimitExceededError } from '../ds/errors.js';
import { ConflictError, InvalidMapNameError } from './errors.js';
import { Store } from './store.js';
import { bytesToString, stringToBytes as b } from './values.js';

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : bytesToString(bytes);

function seeded(): Store {
  const store = new Store();
  const tx = store.begin();
  tx.map('public:m').set(b('a'), b('1'));
  tx.map('public:m').set(b('c'), b('3'));
  store.commit(tx, 1);
  return store;
}

describe('Tx reads and writes', () => {
  it('sees its own writes and deletes before commit, others do not', () => {
    const store = seeded();
    const tx = store.begin();
    const m = tx.map('public:m');
    m.set(b('b'), b('2'));
    m.delete(b('a'));
    assert.equal(text(m.get(b('b'))), '2');
    assert.equal(m.has(b('a')), false);
    assert.equal(m.get(b('a')), undefined);
    assert.equal(text(store.begin().map('public:m').get(b('a'))), '1');
    assert.equal(store.begin().map('public:m').has(b('b')), false);
  });

  it('copies values in set and out of get', () => {
    const store = new Store();
    const tx = store.begin();
    const value = b('xy');
    tx.map('m').set(b('k'), value);
    value[0] = 0x7a;
    const got = tx.map('m').get(b('k'))!;
    got[1] = 0x7a;
    assert.equal(text(tx.map('m').get(b('k'))), 'xy');
    store.commit(tx, 1);
    const read = store.begin().map('m').get(b('k'))!;
    read[0] = 0;
    assert.equal(text(store.begin().map('m').get(b('k'))), 'xy');
  });

  it('iterates in bytewise key order, merging own writes, and can stop early', () => {
    const store = seeded();
    const tx = store.begin();
    const m = tx.map('public:m');
    m.set(b('b'), b('2'));
    m.delete(b('c'));
    m.set(Uint8Array.of(0xff), b('ff'));
    const seen: string[] = [];
    m.forEach((value, key) => {
      seen.push(`${key.length === 1 && key[0] === 0xff ? 'FF' : bytesToString(key)}=${text(value)}`);
    });
    assert.deepEqual(seen, ['a=1', 'b=2', 'FF=ff']);
    let visits = 0;
    // biome-ignore lint/suspicious/useIterableCallbackReturn: MapHandle.forEach stops on false.
    m.forEach(() => {
      visits++;
      return false;
    });
    assert.equal(visits, 1);
  });

  it('reports read-only transactions', () => {
    const store = seeded();
    const tx = store.begin();
    tx.map('public:m').get(b('a'));
    assert.equal(tx.isReadOnly(), true);
    tx.map('public:m').delete(b('zz'));
    assert.equal(tx.isReadOnly(), false);
  });
});

describe('Tx limits and names', () => {
  it('rejects oversized keys, values and names with LimitExceededError', () => {
    const m = new Store().begin().map('m');
    const isLimit = (name: string) => (e: unknown) => e instanceof LimitExceededError && e.limitName === name;
    assert.throws(() => m.set(new Uint8Array(keyBytesMax + 1), b('v')), isLimit('keyBytesMax'));
    assert.throws(() => m.delete(new Uint8Array(keyBytesMax + 1)), isLimit('keyBytesMax'));
    assert.throws(() => m.set(b('k'), new Uint8Array(valueBytesMax + 1)), isLimit('valueBytesMax'));
    m.set(new Uint8Array(keyBytesMax), new Uint8Array(valueBytesMax));
    const tx = new Store().begin();
    assert.throws(() => tx.map('x'.repeat(mapNameBytesMax + 1)), isLimit('mapNameBytesMax'));
    assert.throws(() => tx.map('é'.repeat(mapNameBytesMax / 2 + 1)), isLimit('mapNameBytesMax'));
    tx.map('é'.repeat(mapNameBytesMax / 2));
  });

  it('bounds the total write size of a transaction by ledgerEntryBytesMax', () => {
    const m = new Store().begin().map('m');
    const big = new Uint8Array(valueBytesMax);
    for (let i = 0; i < 7; i++) m.set(Uint8Array.of(i), big);
    m.set(Uint8Array.of(0), big); // overwriting does not grow the estimate
    assert.throws(() => m.set(Uint8Array.of(9), big), LimitExceededError);
  });

  it('rejects empty and ill-formed map names', () => {
    const tx = new Store().begin();
    assert.throws(() => tx.map(''), InvalidMapNameError);
    assert.throws(() => tx.map('a\ud800'), InvalidMapNameError);
    assert.equal(tx.map('public:x').domain, 'public');
    assert.equal(tx.map('publicx').domain, 'private');
  });
});

describe('Tx conflict detection', () => {
  it('rejects a commit whose read key changed since it began', () => {
    const store = seeded();
    const stale = store.begin();
    assert.equal(text(stale.map('public:m').get(b('a'))), '1');
    stale.map('public:m').set(b('x'), b('y'));
    const other = store.begin();
    other.map('public:m').set(b('a'), b('changed'));
    store.commit(other, 2);
    assert.throws(() => store.commit(stale, 3), ConflictError);
    assert.equal(store.seqno, 2);
    assert.equal(store.begin().map('public:m').has(b('x')), false);
  });

  it('rejects a commit whose absent read key was created meanwhile', () => {
    const store = seeded();
    const stale = store.begin();
    assert.equal(stale.map('public:m').has(b('new')), false);
    stale.map('public:n').set(b('k'), b('v'));
    const other = store.begin();
    other.map('public:m').set(b('new'), b('v'));
    store.commit(other, 2);
    assert.throws(() => store.commit(stale, 3), ConflictError);
  });

  it('throws ConflictError when a read meets a value written after begin', () => {
    const store = seeded();
    const stale = store.begin();
    const other = store.begin();
    other.map('public:m').set(b('c'), b('new'));
    store.commit(other, 2);
    assert.throws(() => stale.map('public:m').get(b('c')), ConflictError);
    assert.equal(text(stale.map('public:m').get(b('a'))), '1'); // untouched keys still readable
  });

  it('rejects a commit after a map it iterated changed, even at another key', () => {
    const store = seeded();
    const stale = store.begin();
    stale.map('public:m').forEach(() => {});
    const other = store.begin();
    other.map('public:m').set(b('zzz'), b('v'));
    store.commit(other, 2);
    assert.throws(() => store.commit(stale, 3), ConflictError);
  });

  it('accepts blind writes and reads of unrelated keys', () => {
    const store = seeded();
    const tx = store.begin();
    tx.map('public:m').get(b('a'));
    tx.map('public:m').set(b('c'), b('blind'));
    const other = store.begin();
    other.map('public:m').set(b('c'), b('other'));
    store.commit(other, 2);
    store.commit(tx, 3);
    assert.equal(text(store.begin().map('public:m').get(b('c'))), 'blind');
  });

  it('rejects transactions that span a rollback', () => {
    const store = seeded();
    const tx = store.begin();
    tx.map('public:m').set(b('q'), b('v'));
    store.rollback(1);
    assert.throws(() => store.commit(tx, 2), ConflictError);
    const reader = store.begin();
    store.rollback(1);
    assert.throws(() => reader.map('public:m').get(b('a')), ConflictError);
  });
});
