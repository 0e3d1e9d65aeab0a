// Goal: ByteWriter produces the documented encodings (little-endian integers, minimal LEB128
// varints, length prefixes, UTF-8 in place) and ByteReader reads back exactly what was written.
// Method: fixed vectors for each primitive, then a seeded property test writing random sequences
// of values and reading them back in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../ds/rng.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { varintSizeBytes } from './varint.js';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('ByteWriter vectors', () => {
  it('writes little-endian fixed-width integers', () => {
    const w = new ByteWriter(0);
    w.u8(0xab);
    w.u16(0x0102);
    w.u32(0x01020304);
    w.u64(0x0102030405);
    w.u64(0xffff_ffff_ffff_ffffn);
    assert.equal(hex(w.finish()), 'ab' + '0201' + '04030201' + '0504030201000000' + 'ff'.repeat(8));
  });

  it('writes minimal LEB128 varints', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [2 ** 32, '8080808010'],
      [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
    ];
    for (const [value, expected] of cases) {
      const w = new ByteWriter();
      w.varint(value);
      assert.equal(hex(w.finish()), expected, `varint ${value}`);
      assert.equal(varintSizeBytes(value), expected.length / 2);
    }
  });

  it('writes length-prefixed bytes and UTF-8 strings', () => {
    const w = new ByteWriter(1);
    w.bytes(new Uint8Array([1, 2, 3]));
    w.string('é€');
    w.latin1('\u0000\u00ff');
    assert.equal(hex(w.finish()), '03010203' + '05c3a9e282ac' + '0200ff');
  });

  it('moves a UTF-8 string when its length prefix is shorter than reserved', () => {
    // 50 ASCII chars reserve a 2-byte prefix (150 bytes max) but need a 1-byte one.
    const text = 'a'.repeat(50);
    const w = new ByteWriter(0);
    w.string(text);
    assert.equal(w.lengthBytes, 51);
    assert.equal(new ByteReader(w.finish()).string(100), text);
  });

  it('keeps earlier finish() views intact across growth', () => {
    const w = new ByteWriter(16);
    w.raw(new Uint8Array(10).fill(7));
    const first = w.finish();
    w.raw(new Uint8Array(1000).fill(9));
    assert.deepEqual(Array.from(first), new Array(10).fill(7));
    assert.equal(w.lengthBytes, 1010);
  });
});

type Value =
  | { kind: 'u8' | 'u16' | 'u32' | 'u64' | 'varint'; n: number }
  | { kind: 'big'; n: bigint }
  | { kind: 'bytes'; b: Uint8Array }
  | { kind: 'string'; s: string };

function randomValue(rng: SeededRng): Value {
  switch (rng.int(0, 7)) {
    case 0:
      return { kind: 'u8', n: rng.int(0, 0xff) };
    case 1:
      return { kind: 'u16', n: rng.int(0, 0xffff) };
    case 2:
      return { kind: 'u32', n: rng.int(0, 0xffff_ffff) };
    case 3:
      return { kind: 'u64', n: rng.int(0, 2 ** rng.int(0, 53) - 1) };
    case 4:
      return { kind: 'varint', n: rng.int(0, 2 ** rng.int(0, 53) - 1) };
    case 5:
      return { kind: 'big', n: (BigInt(rng.int(0, 0xffff_ffff)) << 32n) | BigInt(rng.int(0, 0xffff_ffff)) };
    case 6:
      return { kind: 'bytes', b: Uint8Array.from({ length: rng.int(0, 300) }, () => rng.int(0, 255)) };
    default: {
      const pool = ['a', 'z', 'é', '€', '\u{1f600}', '\ufeff', '\u0000'];
      const s = Array.from({ length: rng.int(0, 60) }, () => pool[rng.int(0, pool.length - 1)]).join('');
      return { kind: 'string', s };
    }
  }
}

function writeValue(w: ByteWriter, v: Value): void {
  if (v.kind === 'big') w.u64(v.n);
  else if (v.kind === 'bytes') w.bytes(v.b);
  else if (v.kind === 'string') w.string(v.s);
  else w[v.kind](v.n);
}

function readValue(r: ByteReader, v: Value): unknown {
  if (v.kind === 'big') return r.u64BigInt();
  if (v.kind === 'bytes') return r.bytes(1 << 20);
  if (v.kind === 'string') return r.string(1 << 20);
  return r[v.kind]();
}

describe('ByteWriter/ByteReader round trip (property)', () => {
  it('reads back every randomly written sequence', () => {
    const rng = new SeededRng(20240501);
    for (let round = 0; round < 500; round++) {
      const values = Array.from({ length: rng.int(0, 20) }, () => randomValue(rng));
      const w = new ByteWriter(rng.int(0, 64));
      for (const v of values) writeValue(w, v);
      const r = new ByteReader(w.finish());
      for (const v of values) {
        const got = readValue(r, v);
        const want = v.kind === 'bytes' ? v.b : v.kind === 'string' ? v.s : v.n;
        assert.deepEqual(got, want, `round ${round} ${v.kind}`);
      }
      r.expectEnd();
    }
  });
});
