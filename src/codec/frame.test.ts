// Goal: FrameDecoder yields exactly the frames written, whatever the chunk boundaries, rejects bad
// headers with FormatError at the right stream offset and oversized lengths with
// LimitExceededError before the payload arrives; hello payloads round-trip and decode totally.
// Method: seeded random frame streams split at random points (down to 1-byte chunks), and
// hand-built malformed headers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { frameBytesMax } from '../constants.js';
import { FormatError, LimitExceededError } from '../ds/errors.js';
import { SeededRng } from '../ds/rng.js';
import {
  decodeHello,
  encodeFrame,
  encodeFrameHeader,
  encodeHello,
  type Frame,
  FrameDecoder,
  FrameKind,
  frameHeaderBytes,
} from './frame.js';

function randomFrames(rng: SeededRng, count: number): Frame[] {
  const kinds = [
    FrameKind.hello,
    FrameKind.raft,
    FrameKind.forwardedRequest,
    FrameKind.forwardedResponse,
  ];
  return Array.from({ length: count }, () => {
    const payload = new Uint8Array(rng.chance(0.2) ? 0 : rng.int(1, 3000));
    for (let i = 0; i < payload.length; i++) payload[i] = rng.int(0, 255);
    return { kind: kinds[rng.int(0, 3)]!, payload };
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decodeAll(stream: Uint8Array, cuts: readonly number[]): Frame[] {
  const decoder = new FrameDecoder();
  const out: Frame[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    decoder.push(stream.subarray(from, cut));
    from = cut;
    for (let f = decoder.next(); f !== null; f = decoder.next()) out.push(f);
  }
  assert.equal(decoder.pendingBytes, 0);
  return out;
}

describe('frame', () => {
  test('random streams decode identically at any chunk boundaries', () => {
    const rng = new SeededRng(21);
    for (let round = 0; round < 200; round++) {
      const frames = randomFrames(rng, rng.int(1, 8));
      const stream = concat(frames.map((f) => encodeFrame(f.kind, f.payload)));
      const cuts = Array.from({ length: rng.int(0, 12) }, () => rng.int(0, stream.length)).sort(
        (a, b) => a - b,
      );
      assert.deepEqual(decodeAll(stream, cuts), frames);
    }
  });

  test('one-byte chunks', () => {
    const frames = randomFrames(new SeededRng(22), 5);
    const stream = concat(frames.map((f) => encodeFrame(f.kind, f.payload)));
    const cuts = Array.from({ length: stream.length }, (_, i) => i);
    assert.deepEqual(decodeAll(stream, cuts), frames);
  });

  test('a frame inside one chunk is a view; one across chunks is a copy', () => {
    const stream = encodeFrame(FrameKind.raft, Uint8Array.of(1, 2, 3));
    const whole = new FrameDecoder();
    whole.push(stream);
    assert.equal(whole.next()!.payload.buffer, stream.buffer);
    const split = new FrameDecoder();
    split.push(stream.subarray(0, 7));
    assert.equal(split.next(), null);
    split.push(stream.subarray(7));
    const frame = split.next()!;
    assert.notEqual(frame.payload.buffer, stream.buffer);
    assert.deepEqual(frame.payload, Uint8Array.of(1, 2, 3));
  });

  test('bad version and kind are FormatErrors at the stream offset', () => {
    const good = encodeFrame(FrameKind.raft, Uint8Array.of(9));
    const badVersion = new FrameDecoder();
    badVersion.push(concat([good, Uint8Array.of(2, 2, 0, 0, 0, 0)]));
    assert.ok(badVersion.next());
    assert.throws(
      () => badVersion.next(),
      (e) => e instanceof FormatError && e.offset === good.length,
    );
    const badKind = new FrameDecoder();
    badKind.push(Uint8Array.of(1, 0, 0, 0, 0, 0));
    assert.throws(
      () => badKind.next(),
      (e) => e instanceof FormatError && e.offset === 1,
    );
    const kind5 = new FrameDecoder();
    kind5.push(Uint8Array.of(1, 5, 0, 0, 0, 0));
    assert.throws(() => kind5.next(), FormatError);
  });

  test('a length above the limit is refused as soon as the header is in', () => {
    const decoder = new FrameDecoder();
    const header = new Uint8Array(frameHeaderBytes);
    header.set([1, FrameKind.raft]);
    new DataView(header.buffer).setUint32(2, frameBytesMax + 1, true);
    decoder.push(header);
    assert.throws(
      () => decoder.next(),
      (e) => e instanceof LimitExceededError && e.limitName === 'frameBytesMax',
    );
    const small = new FrameDecoder({ frameBytesMax: 16 });
    small.push(encodeFrameHeader(FrameKind.hello, 17));
    assert.throws(() => small.next(), LimitExceededError);
    assert.throws(() => encodeFrameHeader(FrameKind.raft, frameBytesMax + 1), LimitExceededError);
  });

  test('the limit can be raised between frames', () => {
    const decoder = new FrameDecoder({ frameBytesMax: 4 });
    decoder.push(
      concat([
        encodeFrame(FrameKind.hello, Uint8Array.of(1)),
        encodeFrame(FrameKind.raft, new Uint8Array(100)),
      ]),
    );
    assert.equal(decoder.next()!.kind, FrameKind.hello);
    decoder.frameBytesMax = 1000;
    assert.equal(decoder.next()!.payload.length, 100);
  });

  test('hello round-trips and decodes totally', () => {
    const nodeId = 'ab'.repeat(32);
    const bytes = encodeHello({ nodeId });
    assert.deepEqual(decodeHello(bytes), { nodeId });
    for (let n = 0; n < bytes.length; n++)
      assert.throws(() => decodeHello(bytes.subarray(0, n)), FormatError);
    assert.throws(() => decodeHello(Uint8Array.of(2, 0)), FormatError);
    assert.throws(() => decodeHello(Uint8Array.of(...bytes, 0)), FormatError);
    assert.throws(() => decodeHello(Uint8Array.of(1, 1, 0xff)), FormatError);
  });
});
