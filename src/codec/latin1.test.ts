// Goal: latin1 strings are a faithful, order-preserving stand-in for byte strings.
// Method: round-trip every byte value and long inputs (native and loop paths); compare the
// order of random byte strings under compareBytes and under string `<`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../ds/rng.js';
import { bytesToLatin1, compareBytes, latin1ToBytes } from './latin1.js';

describe('latin1', () => {
  it('round-trips every byte value, short and long', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(latin1ToBytes(bytesToLatin1(all)), all);
    const long = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 131) & 0xff);
    const text = bytesToLatin1(long);
    assert.equal(text.length, long.length);
    assert.deepEqual(latin1ToBytes(text), long);
    assert.equal(bytesToLatin1(long, 5, 9), text.slice(5, 9));
  });

  it('orders strings exactly as bytes', () => {
    const rng = new SeededRng(3);
    const random = (): Uint8Array =>
      Uint8Array.from({ length: rng.int(0, 4) }, () => (rng.chance(0.5) ? rng.int(0, 2) : rng.int(250, 255)));
    for (let i = 0; i < 2000; i++) {
      const a = random();
      const b = random();
      const byBytes = Math.sign(compareBytes(a, b));
      const sa = bytesToLatin1(a);
      const sb = bytesToLatin1(b);
      assert.equal(sa < sb ? -1 : sa > sb ? 1 : 0, byBytes);
    }
  });
});
