// Goal: snapshot format v1 is byte-exact as documented and Store.restore is total.
// Method: a byte-exact vector; negative vectors for each rule; every strict prefix of random
// valid snapshots throws FormatError; restore round trips.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../ds/errors.js';
import { SeededRng } from '../ds/rng.js';
import { randomStore } from '../../test/fuzz/kv-fixtures.js';
import { Store } from './store.js';
import { stringToBytes as b } from './values.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/ /g, ''), 'hex'));

describe('snapshot format v1', () => {
  it('matches the byte-exact vector of docs/formats.md', () => {
    const store = new Store();
    const tx1 = store.begin();
    tx1.map('s').set(b('k'), b('v1'));
    tx1.map('public:t').set(b('x'), b(''));
    store.commit(tx1, 1);
    const tx2 = store.begin();
    tx2.map('s').set(b('j'), b('v2'));
    store.commit(tx2, 300);
    const expected =
      '01 2c01000000000000 02' +
      ' 08 7075626c69633a74 01 01 78 01 00' +
      ' 01 73 02 01 6a ac02 02 7632 01 6b 01 02 7631';
    assert.equal(hex(store.snapshot(300)), expected.replace(/ /g, ''));
    assert.equal(hex(store.snapshot(1)), '01 0100000000000000 02 08 7075626c69633a74 01 01 78 01 00 01 73 01 01 6b 01 02 7631'.replace(/ /g, ''));
    assert.equal(hex(new Store().snapshot(0)), '01 0000000000000000 00'.replace(/ /g, ''));
  });

  it('restores the state, versions and seqno', () => {
    const rng = new SeededRng(21);
    const store = randomStore(rng, 200);
    const bytes = store.snapshot(store.seqno);
    const restored = Store.restore(bytes);
    assert.equal(restored.seqno, store.seqno);
    assert.equal(restored.compactedSeqno, store.seqno);
    assert.deepEqual(restored.mapNames(), store.mapNames());
    assert.deepEqual(restored.snapshot(restored.seqno), bytes);
    const tx = restored.begin();
    tx.map('public:a').set(b('k'), b('v'));
    restored.commit(tx, restored.seqno + 1);
  });
});

describe('snapshot decoder rejects', () => {
  const header = '01 0500000000000000';
  const cases: Array<[string, string]> = [
    ['an empty input', ''],
    ['an unknown version', '02 0500000000000000 00'],
    ['a seqno above 2^53 - 1', '01 0000000000002000 00'],
    ['an empty map', `${header} 01 01 61 00`],
    ['an empty map name', `${header} 01 00 01 01 6b 01 00`],
    ['invalid UTF-8 in a name', `${header} 01 01 ff 01 01 6b 01 00`],
    ['unsorted map names', `${header} 02 01 62 01 01 6b 01 00 01 61 01 01 6b 01 00`],
    ['unsorted keys', `${header} 01 01 61 02 01 6b 01 00 01 6a 01 00`],
    ['duplicate keys', `${header} 01 01 61 02 01 6b 01 00 01 6b 01 00`],
    ['a version of 0', `${header} 01 01 61 01 01 6b 00 00`],
    ['a version above the seqno', `${header} 01 01 61 01 01 6b 06 00`],
    ['a value length past the end', `${header} 01 01 61 01 01 6b 01 05 00`],
    ['a map count that cannot fit', `${header} ffff03`],
    ['trailing bytes', `${header} 00 00`],
  ];
  for (const [what, bytes] of cases) {
    it(what, () => {
      assert.throws(() => Store.restore(unhex(bytes)), FormatError);
    });
  }

  it('every strict prefix of random snapshots', () => {
    const rng = new SeededRng(22);
    for (let i = 0; i < 20; i++) {
      const store = randomStore(rng, rng.int(0, 8));
      const bytes = store.snapshot(store.seqno);
      for (let cut = 0; cut < bytes.length; cut++) {
        assert.throws(() => Store.restore(bytes.subarray(0, cut)), FormatError);
      }
    }
  });
});
