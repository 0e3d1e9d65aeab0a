// Naive reference implementation of RFC 9162 §2.1 (CCF hashing) for the property tests: plain
// recursion over the whole leaf list, obviously correct and slow. Test-only.
import { sha256 } from '../crypto/sha256.js';
import { hashChildren, largestPowerOfTwoBelow } from './hashing.js';
import type { InclusionProofStep } from './proof.js';

/** testLeaf is a deterministic 32-byte leaf for index i. */
export function testLeaf(i: number, salt = 0): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, i);
  new DataView(bytes.buffer).setUint32(4, salt);
  return sha256(bytes);
}

/** naiveRoot is MTH(leaves). */
export function naiveRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return hashChildren(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

/** naivePath is PATH(m, leaves), leaf upwards, with sides. */
export function naivePath(m: number, leaves: readonly Uint8Array[]): InclusionProofStep[] {
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  if (m < k) return [...naivePath(m, leaves.slice(0, k)), { right: naiveRoot(leaves.slice(k)) }];
  return [...naivePath(m - k, leaves.slice(k)), { left: naiveRoot(leaves.slice(0, k)) }];
}

/** naiveConsistency is PROOF(m, leaves) of RFC 9162 §2.1.4.1. */
export function naiveConsistency(m: number, leaves: readonly Uint8Array[], complete = true): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return complete ? [] : [naiveRoot(leaves)];
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) return [...naiveConsistency(m, leaves.slice(0, k), complete), naiveRoot(leaves.slice(k))];
  return [...naiveConsistency(m - k, leaves.slice(k), false), naiveRoot(leaves.slice(0, k))];
}
