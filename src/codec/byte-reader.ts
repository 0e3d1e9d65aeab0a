// byte-reader.ts: the total decoding half of the binary codec (conventions in byte-writer.ts).
// Every method either returns a value or throws FormatError with the offset where decoding
// stopped; lengths are checked against the remaining bytes BEFORE anything is allocated.
import { FormatError } from '../ds/errors.js';
import { bytesToLatin1 } from './latin1.js';
import { utf8Decoder } from './utf8.js';
import { varintBytesMax } from './varint.js';

const twoPow32 = 0x1_0000_0000;

/** ByteReader reads values from `bytes` (never copied, never modified) from `offset` on. */
export class ByteReader {
  private readonly input: Uint8Array;
  private readonly view: DataView;
  private at: number;

  constructor(bytes: Uint8Array, offset = 0) {
    this.input = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = offset;
  }

  /** offset is the position of the next byte to read. */
  get offset(): number {
    return this.at;
  }

  /** remainingBytes is how many bytes are left. */
  get remainingBytes(): number {
    return this.input.length - this.at;
  }

  /** need throws FormatError unless `countBytes` more bytes are available. */
  need(countBytes: number, what: string): void {
    if (countBytes > this.input.length - this.at) {
      throw new FormatError(`${what}: needs ${countBytes} bytes, ${this.remainingBytes} left`, this.at);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.input[this.at++]!;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const value = this.view.getUint16(this.at, true);
    this.at += 2;
    return value;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }

  /** u64 reads 8 bytes as a number; throws FormatError when above Number.MAX_SAFE_INTEGER. */
  u64(what = 'u64'): number {
    this.need(8, what);
    const low = this.view.getUint32(this.at, true);
    const high = this.view.getUint32(this.at + 4, true);
    if (high > 0x1f_ffff) throw new FormatError(`${what}: above 2^53 - 1`, this.at);
    this.at += 8;
    return high * twoPow32 + low;
  }

  /** u64BigInt reads 8 bytes as a bigint (full range). */
  u64BigInt(what = 'u64'): bigint {
    this.need(8, what);
    const value = this.view.getBigUint64(this.at, true);
    this.at += 8;
    return value;
  }

  /**
   * varint reads a minimal unsigned LEB128 integer ≤ `max` (default 2^53 - 1). Throws
   * FormatError on a short read, an overlong form (a zero final byte after the first, or more
   * than 8 bytes) or a value above `max`.
   */
  varint(what = 'varint', max = Number.MAX_SAFE_INTEGER): number {
    const bytes = this.input;
    const start = this.at;
    const first = bytes[start];
    if (first !== undefined && first < 0x80) {
      if (first > max) throw new FormatError(`${what}: ${first} above ${max}`, start);
      this.at = start + 1;
      return first;
    }
    let value = 0;
    let scale = 1;
    for (let i = 0; i < varintBytesMax; i++) {
      const byte = bytes[start + i];
      if (byte === undefined) throw new FormatError(`${what}: truncated varint`, start + i);
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (byte === 0 && i > 0) throw new FormatError(`${what}: overlong varint`, start);
        if (value > max) throw new FormatError(`${what}: ${value} above ${max}`, start);
        this.at = start + i + 1;
        return value;
      }
      scale *= 0x80;
    }
    throw new FormatError(`${what}: varint longer than ${varintBytesMax} bytes`, start);
  }

  /** raw returns a view (no copy) of the next `lengthBytes` bytes. */
  raw(lengthBytes: number, what = 'bytes'): Uint8Array {
    this.need(lengthBytes, what);
    const out = this.input.subarray(this.at, this.at + lengthBytes);
    this.at += lengthBytes;
    return out;
  }

  /** bytes reads a varint length (≤ maxBytes) then returns a view of that many bytes. */
  bytes(maxBytes: number, what = 'bytes'): Uint8Array {
    const length = this.length(maxBytes, what);
    return this.raw(length, what);
  }

  /** string reads a varint length (≤ maxBytes) then strict UTF-8. */
  string(maxBytes: number, what = 'string'): string {
    const start = this.at;
    const bytes = this.bytes(maxBytes, what);
    try {
      return utf8Decoder.decode(bytes);
    } catch (cause) {
      throw new FormatError(`${what}: invalid UTF-8`, start, cause);
    }
  }

  /** latin1 reads a varint length (≤ maxBytes) then returns the bytes as a latin1 string. */
  latin1(maxBytes: number, what = 'bytes'): string {
    const length = this.length(maxBytes, what);
    this.need(length, what);
    const out = bytesToLatin1(this.input, this.at, this.at + length);
    this.at += length;
    return out;
  }

  /** length reads a varint byte length, checking it against `maxBytes` and the bytes left. */
  length(maxBytes: number, what: string): number {
    const start = this.at;
    const length = this.varint(`${what} length`);
    if (length > maxBytes) {
      throw new FormatError(`${what}: length ${length} above maximum ${maxBytes}`, start);
    }
    if (length > this.remainingBytes) {
      throw new FormatError(`${what}: length ${length} past the end`, start);
    }
    return length;
  }

  /**
   * count reads a varint element count ≤ `max`, also rejecting a count that could not fit in
   * the bytes left when each element takes at least `elementBytesMin` bytes.
   */
  count(max: number, elementBytesMin: number, what: string): number {
    const start = this.at;
    const count = this.varint(`${what} count`, max);
    if (count * elementBytesMin > this.remainingBytes) {
      throw new FormatError(`${what}: count ${count} cannot fit in the bytes left`, start);
    }
    return count;
  }

  /** expectEnd throws FormatError when bytes remain. */
  expectEnd(what = 'input'): void {
    if (this.at !== this.input.length) {
      throw new FormatError(`${what}: ${this.remainingBytes} trailing bytes`, this.at);
    }
  }
}
