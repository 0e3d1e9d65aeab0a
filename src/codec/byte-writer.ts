// byte-writer.ts: the encoding half of the binary codec. Conventions (docs/formats.md §1):
// fixed-width integers are LITTLE-ENDIAN; varints are unsigned LEB128 (minimal, ≤ 8 bytes);
// length-prefixed byte strings and UTF-8 strings are a varint byte length then the bytes.
import { assert } from '../ds/assert.js';
import { writeLatin1 } from './latin1.js';
import { utf8Encoder } from './utf8.js';
import { varintSizeBytes } from './varint.js';

const twoPow32 = 0x1_0000_0000;

/**
 * ByteWriter appends encoded values to a growable buffer (doubling), with no allocation per
 * value. Invalid arguments (out-of-range integers) are bugs in the caller and fail an assert.
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacityBytes = 256) {
    assert(Number.isSafeInteger(initialCapacityBytes), 'capacity is an integer');
    assert(initialCapacityBytes >= 0, 'capacity is not negative');
    this.buffer = new Uint8Array(Math.max(16, initialCapacityBytes));
    this.view = new DataView(this.buffer.buffer);
  }

  /** lengthBytes is how many bytes have been written since construction or the last reset(). */
  get lengthBytes(): number {
    return this.length;
  }

  /** reserve makes room for `extraBytes` more bytes (callers may pre-size before a burst). */
  reserve(extraBytes: number): void {
    const needed = this.length + extraBytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xff, 'u8 in range');
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffff, 'u16 in range');
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  u32(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff, 'u32 in range');
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  /** u64 writes 8 bytes; a number must be a non-negative safe integer, a bigint < 2^64. */
  u64(value: number | bigint): void {
    this.reserve(8);
    if (typeof value === 'bigint') {
      assert(value >= 0n && value < 1n << 64n, 'u64 in range');
      this.view.setBigUint64(this.length, value, true);
    } else {
      assert(Number.isSafeInteger(value) && value >= 0, 'u64 number is a safe non-negative int');
      this.view.setUint32(this.length, value % twoPow32, true);
      this.view.setUint32(this.length + 4, Math.floor(value / twoPow32), true);
    }
    this.length += 8;
  }

  /** varint writes a non-negative safe integer as minimal unsigned LEB128. */
  varint(value: number): void {
    assert(Number.isSafeInteger(value) && value >= 0, 'varint is a safe non-negative int');
    this.reserve(8);
    const buffer = this.buffer;
    let at = this.length;
    while (value >= 0x80) {
      buffer[at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buffer[at++] = value;
    this.length = at;
  }

  /** raw appends `bytes` as they are (no length prefix). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** bytes writes a varint length then the bytes. */
  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** string writes a varint UTF-8 byte length then the UTF-8 bytes (encoded in place). */
  string(text: string): void {
    const maxBytes = text.length * 3;
    const prefixBytes = varintSizeBytes(maxBytes);
    this.reserve(prefixBytes + maxBytes);
    const start = this.length + prefixBytes;
    const { written } = utf8Encoder.encodeInto(text, this.buffer.subarray(start));
    const actualPrefixBytes = varintSizeBytes(written);
    if (actualPrefixBytes !== prefixBytes) {
      this.buffer.copyWithin(this.length + actualPrefixBytes, start, start + written);
    }
    this.varint(written);
    this.length += written;
  }

  /** latin1 writes a latin1 string (see latin1.ts) as a varint length then its bytes. */
  latin1(text: string): void {
    this.varint(text.length);
    this.reserve(text.length);
    writeLatin1(this.buffer, this.length, text);
    this.length += text.length;
  }

  /**
   * finish returns a view of the bytes written so far. The view stays valid until reset();
   * later writes never change it.
   */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** reset empties the writer, keeping its buffer: views from finish() become invalid. */
  reset(): void {
    this.length = 0;
  }
}
