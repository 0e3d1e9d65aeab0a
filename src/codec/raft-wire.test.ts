// Goal: the Raft wire codec round-trips every message variant, its decoder is total (every
// truncation and byte flip ends in FormatError or a valid canonical message) and it rejects
// oversized counts/lengths before allocating. Method: seeded random messages from
// test/fuzz/wire-fixtures.ts, exhaustive truncation, hand-built malformed inputs, and a
// compile-time check that the codec's mirrored types equal consensus/types.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RaftMessage } from '../consensus/types.js';
import { FormatError } from '../ds/errors.js';
import { SeededRng } from '../ds/rng.js';
import { appendEntriesBatch, randomMessage } from '../../test/fuzz/wire-fixtures.js';
import { ByteWriter } from './byte-writer.js';
import { decodeRaftMessage, encodeRaftMessage, type WireRaftMessage } from './raft-wire.js';

// Compile-time: the codec's structural mirror must stay identical to the consensus types.
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typesAgree: Equal<WireRaftMessage, RaftMessage> = true;

function expectFormatError(bytes: Uint8Array, label: string): FormatError {
  try {
    decodeRaftMessage(bytes);
  } catch (error) {
    assert.ok(error instanceof FormatError, `${label}: ${String(error)}`);
    assert.ok(error.offset >= 0 && error.offset <= bytes.length, `${label}: offset in range`);
    return error;
  }
  assert.fail(`${label}: decoded`);
}

describe('raft-wire', () => {
  test('mirrored types equal consensus RaftMessage', () => {
    assert.equal(typesAgree, true);
  });

  test('round-trips 3,000 random messages of every type', () => {
    const rng = new SeededRng(11);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const m = randomMessage(rng);
      seen.add(m.type);
      const bytes = encodeRaftMessage(m);
      assert.deepEqual(decodeRaftMessage(bytes), m);
      assert.deepEqual(encodeRaftMessage(decodeRaftMessage(bytes)), bytes, 'canonical');
    }
    assert.equal(seen.size, 6);
  });

  test('every truncation of an encoding is a FormatError', () => {
    const rng = new SeededRng(12);
    for (let i = 0; i < 200; i++) {
      const bytes = encodeRaftMessage(randomMessage(rng));
      for (let n = 0; n < bytes.length; n++)
        expectFormatError(bytes.subarray(0, n), `case ${i} len ${n}`);
    }
  });

  test('single byte flips end in FormatError or a canonical message', () => {
    const rng = new SeededRng(13);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = encodeRaftMessage(randomMessage(rng)).slice();
      bytes[rng.int(0, bytes.length - 1)]! ^= 1 << rng.int(0, 7);
      try {
        const m = decodeRaftMessage(bytes);
        assert.deepEqual(encodeRaftMessage(m), bytes);
        accepted++;
      } catch (error) {
        assert.ok(error instanceof FormatError, String(error));
      }
    }
    assert.ok(accepted > 0 && accepted < 3000);
  });

  test('entry data is a zero-copy view into the input', () => {
    const bytes = encodeRaftMessage(appendEntriesBatch(new SeededRng(1), 3, 16));
    const m = decodeRaftMessage(bytes);
    assert.equal(m.type, 'AppendEntries');
    if (m.type !== 'AppendEntries') return;
    assert.equal(m.entries[0]!.data.buffer, bytes.buffer);
  });

  test('rejects unknown version, type, flags, entry kind and trailing bytes', () => {
    const vote: WireRaftMessage = {
      type: 'RequestVoteResponse',
      view: 3,
      preVote: true,
      granted: false,
    };
    const good = encodeRaftMessage(vote);
    assert.equal(expectFormatError(Uint8Array.of(2, ...good.subarray(1)), 'version').offset, 0);
    assert.equal(expectFormatError(Uint8Array.of(1, 9, 0), 'type').offset, 1);
    assert.equal(expectFormatError(Uint8Array.of(1, 2, 3, 4), 'flags').offset, 3);
    expectFormatError(Uint8Array.of(...good, 0), 'trailing');
    // AppendEntries view 1, prev 0/0, commit 0, context 0, one entry of kind 3.
    expectFormatError(Uint8Array.of(1, 3, 1, 0, 0, 0, 0, 1, 1, 1, 3, 0), 'entry kind');
    // An overlong varint view (0x80 0x00) is not canonical.
    expectFormatError(Uint8Array.of(1, 6, 0x80, 0x00, 0), 'overlong');
    // A node id that is not UTF-8.
    expectFormatError(Uint8Array.of(1, 3, 1, 0, 0, 0, 0, 1, 1, 1, 2, 1, 1, 0xff, 0, 0), 'utf-8');
  });

  test('counts and lengths above the bytes left or their maxima fail before allocation', () => {
    const w = new ByteWriter();
    for (const b of [1, 3, 1, 0, 0, 0, 0]) w.u8(b);
    w.varint(900_000); // entries count that cannot fit in the bytes left
    const error = expectFormatError(w.finish(), 'count');
    assert.match(error.message, /cannot fit/);
    const huge = new ByteWriter();
    for (const b of [1, 3, 1, 0, 0, 0, 0]) huge.u8(b);
    huge.varint(Number.MAX_SAFE_INTEGER);
    assert.match(expectFormatError(huge.finish(), 'count max').message, /above/);
    // One data entry announcing 9 MiB of data (above ledgerEntryBytesMax).
    const big = new ByteWriter();
    for (const b of [1, 3, 1, 0, 0, 0, 0, 1, 1, 1, 0]) big.u8(b);
    big.varint(9 * 1024 * 1024);
    assert.match(expectFormatError(big.finish(), 'data max').message, /above maximum/);
  });

  test('a 1,000 × 256-byte AppendEntries round-trips', () => {
    const m = appendEntriesBatch(new SeededRng(2), 1000, 256);
    const bytes = encodeRaftMessage(m);
    assert.ok(bytes.length > 256_000 && bytes.length < 256_000 + 8_000);
    assert.deepEqual(decodeRaftMessage(bytes), m);
  });
});
