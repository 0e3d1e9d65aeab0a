// Goal: ByteReader is total — on malformed input it throws FormatError (with an offset), never
// another exception. Method: fixed negative vectors (short reads, overlong/too-large varints,
// lengths past the end or above a maximum, invalid UTF-8, trailing bytes), then a property test:
// every strict prefix of a valid random encoding throws FormatError when read in full.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../ds/errors.js';
import { SeededRng } from '../ds/rng.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';

function formatErrorAt(offset: number): (e: unknown) => boolean {
  return (e) => e instanceof FormatError && e.offset === offset;
}

const r = (...bytes: number[]): ByteReader => new ByteReader(Uint8Array.from(bytes));

describe('ByteReader negative vectors', () => {
  it('rejects short fixed-width reads', () => {
    assert.throws(() => r().u8(), formatErrorAt(0));
    assert.throws(() => r(1).u16(), formatErrorAt(0));
    assert.throws(() => r(1, 2, 3).u32(), formatErrorAt(0));
    assert.throws(() => r(1, 2, 3, 4, 5, 6, 7).u64(), formatErrorAt(0));
    assert.throws(() => r(1, 2, 3, 4, 5, 6, 7).u64BigInt(), formatErrorAt(0));
  });

  it('rejects a u64 above the safe-integer range but reads it as bigint', () => {
    const bytes = [0, 0, 0, 0, 0, 0, 0x20, 0];
    assert.throws(() => r(...bytes).u64(), formatErrorAt(0));
    assert.equal(r(...bytes).u64BigInt(), 2n ** 53n);
    assert.equal(r(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0).u64(), Number.MAX_SAFE_INTEGER);
  });

  it('rejects truncated, overlong and oversized varints', () => {
    assert.throws(() => r(0x80).varint(), formatErrorAt(1));
    assert.throws(() => r(0x80, 0x00).varint(), formatErrorAt(0));
    assert.throws(() => r(0x81, 0x80, 0x00).varint(), formatErrorAt(0));
    assert.throws(() => r(...new Array(8).fill(0xff), 0x01).varint(), formatErrorAt(0));
    assert.throws(() => r(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10).varint(), formatErrorAt(0));
    assert.throws(() => r(0x05).varint('n', 4), formatErrorAt(0));
    assert.throws(() => r(0x80, 0x01).varint('n', 127), formatErrorAt(0));
    assert.equal(r(0x80, 0x01).varint(), 128);
  });

  it('rejects lengths past the end or above the maximum', () => {
    assert.throws(() => r(3, 1, 2).bytes(10), formatErrorAt(0));
    assert.throws(() => r(3, 1, 2, 3).bytes(2), formatErrorAt(0));
    assert.throws(() => r(0xff, 0xff, 0xff, 0xff, 0x0f).bytes(1 << 30), formatErrorAt(0));
    assert.throws(() => r(2, 0x41).latin1(10), formatErrorAt(0));
    assert.throws(() => r(5, 1).count(10, 1, 'x'), formatErrorAt(0));
  });

  it('rejects invalid UTF-8 and keeps a leading BOM', () => {
    assert.throws(() => r(2, 0xc3, 0x28).string(10), formatErrorAt(0));
    assert.throws(() => r(3, 0xed, 0xa0, 0x80).string(10), formatErrorAt(0)); // surrogate
    assert.throws(() => r(2, 0xc0, 0x80).string(10), formatErrorAt(0)); // overlong NUL
    assert.equal(r(3, 0xef, 0xbb, 0xbf).string(10), '\ufeff');
  });

  it('rejects trailing bytes on expectEnd', () => {
    const reader = r(1, 2);
    reader.u8();
    assert.throws(() => reader.expectEnd(), formatErrorAt(1));
    reader.u8();
    reader.expectEnd();
  });

  it('honours a start offset and subarray inputs', () => {
    const base = Uint8Array.from([9, 9, 0x34, 0x12, 9]);
    assert.equal(new ByteReader(base.subarray(2, 4)).u16(), 0x1234);
    assert.equal(new ByteReader(base, 2).u16(), 0x1234);
  });
});

type Step = (reader: ByteReader) => unknown;

/** writeRandom writes one random value and returns the step that reads it back. */
function writeRandom(rng: SeededRng, w: ByteWriter): Step {
  switch (rng.int(0, 5)) {
    case 0:
      w.u32(rng.int(0, 0xffff_ffff));
      return (x) => x.u32();
    case 1:
      w.u64(rng.int(0, 2 ** 40));
      return (x) => x.u64();
    case 2:
      w.varint(rng.int(0, 2 ** rng.int(0, 53) - 1));
      return (x) => x.varint();
    case 3:
      w.bytes(new Uint8Array(rng.int(0, 40)).fill(rng.int(0, 255)));
      return (x) => x.bytes(1000);
    case 4:
      w.string('ü€x'.repeat(rng.int(0, 5)));
      return (x) => x.string(1000);
    default:
      w.latin1('\u00ff'.repeat(rng.int(0, 9)));
      return (x) => x.latin1(1000);
  }
}

describe('ByteReader truncation (property)', () => {
  it('throws FormatError on every strict prefix of a valid encoding', () => {
    const rng = new SeededRng(7);
    for (let round = 0; round < 200; round++) {
      const w = new ByteWriter();
      const steps: Step[] = [];
      for (let i = rng.int(1, 8); i > 0; i--) steps.push(writeRandom(rng, w));
      const full = w.finish();
      for (let cut = 0; cut < full.length; cut++) {
        const reader = new ByteReader(full.subarray(0, cut));
        assert.throws(
          () => {
            for (const step of steps) step(reader);
            reader.expectEnd();
          },
          (e) => e instanceof FormatError && e.offset <= cut,
          `round ${round} cut ${cut}`,
        );
      }
    }
  });
});
