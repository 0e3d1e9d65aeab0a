// frame.ts: length-prefixed versioned frames on a node-to-node byte stream (wire v1,
// docs/wire.md §2) and the hello payload that opens every connection.
//
//   frame  = [u8 version=1][u8 kind][u32 LE payload length][payload]
//   hello  = [u8 helloVersion=1][varint length][node id, UTF-8]
//
// FrameDecoder accepts arbitrary chunk boundaries and checks each header (version, kind, length
// against its current limit) as soon as its 6 bytes are there, BEFORE buffering the payload.
import { frameBytesMax, wireNodeIdBytesMax } from '../constants.js';
import { assert } from '../ds/assert.js';
import { FormatError, LimitExceededError } from '../ds/errors.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { isWellFormedString } from './utf8.js';

/** frameVersion is the first byte of every frame. */
export const frameVersion = 1;
/** frameHeaderBytes is the size of the fixed frame header. */
export const frameHeaderBytes = 6;

/**
 * FrameKind names what a frame carries: `hello` (the sender's node id, first frame of a
 * connection), `raft` (one encoded RaftMessage, raft-wire.ts), `forwardedRequest` and
 * `forwardedResponse` (opaque payloads reserved for the node runtime's request forwarding).
 */
export const FrameKind = {
  hello: 1,
  raft: 2,
  forwardedRequest: 3,
  forwardedResponse: 4,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

const frameKindMax = 4;

/** isFrameKind tells whether `value` is a known frame kind. */
export function isFrameKind(value: number): value is FrameKind {
  return Number.isInteger(value) && value >= 1 && value <= frameKindMax;
}

/** Frame is one decoded frame; `payload` owns its bytes (never overwritten by the decoder). */
export interface Frame {
  readonly kind: FrameKind;
  readonly payload: Uint8Array;
}

/**
 * encodeFrameHeader returns the 6-byte header of a frame with `payloadBytes` bytes of payload
 * (send it followed by the payload, e.g. with a corked socket). A payload above frameBytesMax
 * throws LimitExceededError.
 */
export function encodeFrameHeader(kind: FrameKind, payloadBytes: number): Uint8Array {
  assert(isFrameKind(kind), 'frame kind is known');
  assert(Number.isSafeInteger(payloadBytes) && payloadBytes >= 0, 'payload size is an index');
  if (payloadBytes > frameBytesMax) {
    throw new LimitExceededError({
      limitName: 'frameBytesMax',
      limit: frameBytesMax,
      actual: payloadBytes,
    });
  }
  const header = new Uint8Array(frameHeaderBytes);
  header[0] = frameVersion;
  header[1] = kind;
  new DataView(header.buffer).setUint32(2, payloadBytes, true);
  return header;
}

/** encodeFrame returns header + payload in one fresh buffer (copies the payload). */
export function encodeFrame(kind: FrameKind, payload: Uint8Array): Uint8Array {
  const header = encodeFrameHeader(kind, payload.length);
  const out = new Uint8Array(frameHeaderBytes + payload.length);
  out.set(header, 0);
  out.set(payload, frameHeaderBytes);
  return out;
}

/**
 * FrameDecoder turns a byte stream into frames. Use: after each `push(chunk)`, call `next()`
 * until it returns null. `next()` throws FormatError (offset = stream offset of the bad header
 * byte) on an unknown version or kind, and LimitExceededError on a length above
 * `frameBytesMax` (settable, e.g. small until a hello arrives); after a throw the stream is
 * unusable (close the connection).
 *
 * Payloads are zero-copy views when a frame lies inside one pushed chunk, fresh copies when it
 * spans chunks. The decoder never writes to pushed chunks, so callers must not reuse them.
 */
export class FrameDecoder {
  /** frameBytesMax is the largest payload the next header may announce. */
  frameBytesMax: number;
  private readonly chunks: Uint8Array[] = [];
  private chunkHead = 0;
  /** Offset into chunks[chunkHead] of the first unconsumed byte. */
  private headOffset = 0;
  private bufferedBytes = 0;
  private streamOffset = 0;
  private failed = false;
  /** The parsed header of the frame being assembled, if any. */
  private pendingKind: FrameKind | null = null;
  private pendingLength = 0;

  constructor(options: { readonly frameBytesMax?: number } = {}) {
    this.frameBytesMax = options.frameBytesMax ?? frameBytesMax;
    assert(this.frameBytesMax >= 0 && this.frameBytesMax <= frameBytesMax, 'limit in range');
  }

  /** pendingBytes is how many received bytes are not yet returned in frames. */
  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  /** push appends a received chunk (kept by reference). */
  push(chunk: Uint8Array): void {
    assert(!this.failed, 'push after a decoding error');
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
  }

  /** next returns the next complete frame, or null when more bytes are needed. */
  next(): Frame | null {
    assert(!this.failed, 'next after a decoding error');
    if (this.pendingKind === null) {
      if (this.bufferedBytes < frameHeaderBytes) return null;
      this.readHeader();
    }
    if (this.bufferedBytes < this.pendingLength) return null;
    const kind = this.pendingKind!;
    const payload = this.take(this.pendingLength);
    this.pendingKind = null;
    return { kind, payload };
  }

  private readHeader(): void {
    const header = this.take(frameHeaderBytes);
    const start = this.streamOffset - frameHeaderBytes;
    const version = header[0]!;
    const kind = header[1]!;
    const length = new DataView(header.buffer, header.byteOffset, 6).getUint32(2, true);
    this.failed = true; // until the header is known to be good
    if (version !== frameVersion) throw new FormatError(`unknown frame version ${version}`, start);
    if (!isFrameKind(kind)) throw new FormatError(`unknown frame kind ${kind}`, start + 1);
    if (length > this.frameBytesMax) {
      throw new LimitExceededError({
        limitName: 'frameBytesMax',
        limit: this.frameBytesMax,
        actual: length,
      });
    }
    this.failed = false;
    this.pendingKind = kind;
    this.pendingLength = length;
  }

  /** take consumes `count` buffered bytes (the caller checked they are there). */
  private take(count: number): Uint8Array {
    assert(count <= this.bufferedBytes, 'take: enough bytes buffered');
    this.bufferedBytes -= count;
    this.streamOffset += count;
    const first = this.chunks[this.chunkHead];
    if (first !== undefined && first.length - this.headOffset >= count) {
      const out = first.subarray(this.headOffset, this.headOffset + count);
      this.advance(first, count);
      return out;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[this.chunkHead]!;
      const n = Math.min(count - filled, chunk.length - this.headOffset);
      out.set(chunk.subarray(this.headOffset, this.headOffset + n), filled);
      filled += n;
      this.advance(chunk, n);
    }
    return out;
  }

  private advance(chunk: Uint8Array, count: number): void {
    this.headOffset += count;
    if (this.headOffset < chunk.length) return;
    this.chunks[this.chunkHead] = new Uint8Array(0); // release the reference
    this.chunkHead++;
    this.headOffset = 0;
    if (this.chunkHead === this.chunks.length || this.chunkHead >= 64) {
      this.chunks.splice(0, this.chunkHead);
      this.chunkHead = 0;
    }
  }
}

/** helloVersion is the first byte of a hello payload. */
export const helloVersion = 1;

/** Hello opens every node-to-node connection: who the sender claims to be. */
export interface Hello {
  readonly nodeId: string;
}

/** encodeHello encodes a hello payload (the node id must be ≤ wireNodeIdBytesMax in UTF-8). */
export function encodeHello(hello: Hello): Uint8Array {
  assert(isWellFormedString(hello.nodeId), 'node id is well-formed');
  const w = new ByteWriter(8 + hello.nodeId.length * 3);
  w.u8(helloVersion);
  w.string(hello.nodeId);
  assert(w.lengthBytes <= 3 + wireNodeIdBytesMax, 'node id within wireNodeIdBytesMax');
  return w.finish();
}

/** decodeHello decodes a hello payload; throws FormatError(offset). */
export function decodeHello(bytes: Uint8Array): Hello {
  const r = new ByteReader(bytes);
  const version = r.u8('hello version');
  if (version !== helloVersion) throw new FormatError(`unknown hello version ${version}`, 0);
  const nodeId = r.string(wireNodeIdBytesMax, 'hello node id');
  r.expectEnd('hello');
  return { nodeId };
}
