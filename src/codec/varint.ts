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
