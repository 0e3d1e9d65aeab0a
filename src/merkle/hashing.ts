// CCF Merkle hashing: inner node = SHA-256(left ‖ right), no RFC 9162 0x00/0x01 prefixes.
import { assert } from '../ds/assert.js';
import { SHA256_BYTES, sha256 } from '../crypto/sha256.js';

/** HASH_BYTES is the size of every leaf and node hash. */
export const HASH_BYTES = SHA256_BYTES;

const scratch = new Uint8Array(2 * HASH_BYTES);

/** hashChildren returns SHA-256(left ‖ right). The result is a fresh array. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  assert(left.length === HASH_BYTES, 'hashChildren: left is 32 bytes');
  assert(right.length === HASH_BYTES, 'hashChildren: right is 32 bytes');
  scratch.set(left, 0);
  scratch.set(right, HASH_BYTES);
  return sha256(scratch);
}

/** childrenPreimage returns left ‖ right (the bytes hashChildren hashes) as a fresh array. */
export function childrenPreimage(left: Uint8Array, right: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 * HASH_BYTES);
  out.set(left, 0);
  out.set(right, HASH_BYTES);
  return out;
}

/** largestPowerOfTwoBelow returns the largest power of two k with k < n (RFC 9162 §2.1.1); n > 1. */
export function largestPowerOfTwoBelow(n: number): number {
  assert(Number.isSafeInteger(n) && n > 1, 'largestPowerOfTwoBelow: n > 1');
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
