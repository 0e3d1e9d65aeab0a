// varint.ts: unsigned LEB128 integers bounded to Number.MAX_SAFE_INTEGER (2^53 - 1), hence at
// most 8 bytes. Encodings are minimal; the reader rejects longer ("overlong") forms.

/** varintBytesMax is the longest encoding of a safe integer (8 × 7 = 56 bits ≥ 53). */
export const varintBytesMax = 8;

/** varintSizeBytes returns how many bytes the minimal encoding of `value` takes. */
export function varintSizeBytes(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * writeVarint writes the minimal encoding of a safe non-negative integer into `target` at
 * `offset` (room for varintSizeBytes(value) bytes is the caller's) and returns the end offset.
 */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let at = offset;
  let v = value;
  while (v >= 0x80) {
    target[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  target[at++] = v;
  return at;
}
