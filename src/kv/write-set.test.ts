// Goal: the write-set format v1 is canonical and its decoder total. Method: a byte-exact vector;
// round trips of random committed write sets (decode ∘ encode = id, encode ∘ decode = id); the
// public/private split; negative vectors for each rule; every truncation throws FormatError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../ds/rng.js';
import { FormatError } from '../ds/errors.js';
import { fillRandomTx, randomBytes, randomStore, randomWriteSet } from '../../test/fuzz/kv-fixtures.js';
import { Store } from './store.js';
import { stringToBytes as b } from './values.js';
import { decodeWriteSetDomain, deserializeWriteSet, serializeWriteSet } from './write-set.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/ /g, ''), 'hex'));

describe('write set format v1', () => {
  it('matches the byte-exact vector of docs/formats.md', () => {
    const store = new Store();
    const tx = store.begin();
    tx.map('public:t').set(b('k2'), b('v'));
    tx.map('public:t').delete(b('k1'));
    tx.map('s').set(b(''), b(''));
    const ws = store.commit(tx, 1);
    const { publicBytes, privateBytes } = serializeWriteSet(ws);
    assert.equal(hex(publicBytes), '01 01 08 7075626c69633a74 02 02 6b31 00 02 6b32 01 01 76'.replace(/ /g, ''));
    assert.equal(hex(privateBytes), '01 01 01 73 01 00 01 00'.replace(/ /g, ''));
    assert.deepEqual(deserializeWriteSet({ publicBytes, privateBytes }), ws);
  });

  it('encodes an empty domain as zero bytes', () => {
    const store = new Store();
    const tx = store.begin();
    tx.map('public:only').set(b('k'), b('v'));
    const domains = serializeWriteSet(store.commit(tx, 1));
    assert.equal(domains.privateBytes.length, 0);
    assert.deepEqual(serializeWriteSet({ maps: [] }).publicBytes, new Uint8Array(0));
  });

  it('round-trips random write sets canonically', () => {
    const rng = new SeededRng(11);
    const store = new Store();
    for (let i = 0; i < 300; i++) {
      const ws = randomWriteSet(rng, store);
      const domains = serializeWriteSet(ws);
      const decoded = deserializeWriteSet(domains);
      assert.deepEqual(decoded, ws);
      const again = serializeWriteSet(decoded);
      assert.deepEqual(again, domains);
      for (const m of decodeWriteSetDomain(domains.publicBytes, 'public')) {
        assert.ok(m.name.startsWith('public:'));
      }
    }
  });

  it('commitSerialized encodes byte for byte what serializeWriteSet(commit) does', () => {
    const rng = new SeededRng(13);
    const viaWriteSet = new Store();
    const direct = new Store();
    for (let seqno = 1; seqno <= 300; seqno++) {
      const seed = rng.int(0, 2 ** 31);
      const txs = [viaWriteSet.begin(), direct.begin()];
      for (const tx of txs) {
        const txRng = new SeededRng(seed);
        fillRandomTx(txRng, tx, txRng.int(1, 12));
        // Long values and keys: multi-byte varints and the native latin1 copy.
        if (txRng.chance(0.3)) tx.map('public:long').set(randomBytes(txRng, 200), randomBytes(txRng, 300));
        if (txRng.chance(0.1)) tx.map('public:long').set(b('k'), randomBytes(txRng, 20_000));
      }
      if (txs[1]!.isReadOnly()) continue;
      const expected = serializeWriteSet(viaWriteSet.commit(txs[0]!, seqno));
      assert.deepEqual(direct.commitSerialized(txs[1]!, seqno), expected);
    }
    assert.deepEqual(direct.snapshot(direct.seqno), viaWriteSet.snapshot(viaWriteSet.seqno));
  });

  it('replays at a backup to the same state', () => {
    const rng = new SeededRng(12);
    const primary = new Store();
    const backup = new Store();
    for (let i = 1; i <= 100; i++) {
      const ws = randomWriteSet(rng, primary);
      backup.apply(deserializeWriteSet(serializeWriteSet(ws)), i);
    }
    assert.deepEqual(backup.snapshot(100), primary.snapshot(100));
  });
});

describe('write set decoder rejects', () => {
  const cases: Array<[string, string, 'public' | 'private']> = [
    ['an unknown version', '02 01 01 61 01 00 00', 'private'],
    ['zero maps in a non-empty domain', '01 00', 'private'],
    ['a map without writes', '01 01 01 61 00', 'private'],
    ['an empty map name', '01 01 00 01 00 00', 'private'],
    ['a public map in the private domain', '01 01 08 7075626c69633a74 01 00 00', 'private'],
    ['a private map in the public domain', '01 01 01 61 01 00 00', 'public'],
    ['invalid UTF-8 in a name', '01 01 01 ff 01 00 00', 'private'],
    ['unsorted map names', '01 02 01 62 01 00 00 01 61 01 00 00', 'private'],
    ['duplicate map names', '01 02 01 61 01 00 00 01 61 01 00 00', 'private'],
    ['unsorted keys', '01 01 01 61 02 01 62 00 01 61 00', 'private'],
    ['duplicate keys', '01 01 01 61 02 01 61 00 01 61 00', 'private'],
    ['an unknown op', '01 01 01 61 01 00 02', 'private'],
    ['trailing bytes', '01 01 01 61 01 00 00 00', 'private'],
    ['a key over keyBytesMax', '01 01 01 61 01 818004', 'private'],
    ['a count that cannot fit', '01 01 01 61 ffffff7f 00 00', 'private'],
    ['an overlong varint', '01 01 01 61 8100 00 00', 'private'],
  ];
  for (const [what, bytes, domain] of cases) {
    it(what, () => {
      assert.throws(() => decodeWriteSetDomain(unhex(bytes), domain), FormatError);
    });
  }

  it('every strict prefix of valid domains', () => {
    const rng = new SeededRng(13);
    const store = randomStore(rng, 5);
    for (let i = 0; i < 100; i++) {
      const domains = serializeWriteSet(randomWriteSet(rng, store));
      for (const [domain, bytes] of [
        ['public', domains.publicBytes],
        ['private', domains.privateBytes],
      ] as const) {
        for (let cut = 1; cut < bytes.length; cut++) {
          assert.throws(() => decodeWriteSetDomain(bytes.subarray(0, cut), domain), FormatError);
        }
      }
    }
  });
});
