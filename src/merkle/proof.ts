// Proof types and verifiers. Inclusion proofs are CCF receipt paths: from the leaf upwards, each
// step names the side the sibling is on. Consistency proofs follow RFC 9162 §2.1.4 without the
// 0x01 node prefix.
import { assert } from '../ds/assert.js';
import { bytesEqual } from '../crypto/encoding.js';
import { sha256 } from '../crypto/sha256.js';
import { childrenPreimage, HASH_BYTES, hashChildren } from './hashing.js';

/** InclusionProofStep is one sibling on the path from a leaf to the root. */
export type InclusionProofStep = { readonly left: Uint8Array } | { readonly right: Uint8Array };

/** siblingOf returns a step's hash. */
export function siblingOf(step: InclusionProofStep): Uint8Array {
  return 'left' in step ? step.left : step.right;
}

/** InclusionWalk is the outcome of walking a path: the root and the bytes whose SHA-256 it is. */
export interface InclusionWalk {
  readonly root: Uint8Array;
  /** rootPreimage is the last left ‖ right concatenation, or null for an empty path (root = leaf). */
  readonly rootPreimage: Uint8Array | null;
}

/**
 * walkInclusionProof folds `proof` (leaf upwards) onto `leaf`: {left: h} gives SHA-256(h ‖ acc),
 * {right: h} gives SHA-256(acc ‖ h). The caller checks hash lengths (32 bytes) beforehand.
 */
export function walkInclusionProof(
  leaf: Uint8Array,
  proof: readonly InclusionProofStep[],
): InclusionWalk {
  assert(leaf.length === HASH_BYTES, 'walkInclusionProof: 32-byte leaf');
  let acc = leaf;
  const last = proof.length - 1;
  for (let i = 0; i < last; i++) {
    const step = proof[i]!;
    acc = 'left' in step ? hashChildren(step.left, acc) : hashChildren(acc, step.right);
  }
  if (last < 0) return { root: acc, rootPreimage: null };
  const step = proof[last]!;
  const preimage = 'left' in step ? childrenPreimage(step.left, acc) : childrenPreimage(acc, step.right);
  return { root: sha256(preimage), rootPreimage: preimage };
}

/**
 * verifyInclusionProof checks that `leaf` is leaf `index` of the tree of `size` leaves whose root
 * is `root` (RFC 9162 §2.1.3.2), including that every step is on the side the position implies.
 */
export function verifyInclusionProof(params: {
  readonly leaf: Uint8Array;
  readonly index: number;
  readonly size: number;
  readonly proof: readonly InclusionProofStep[];
  readonly root: Uint8Array;
}): boolean {
  const { index, size, proof } = params;
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && 0 <= index && index < size)) {
    return false;
  }
  if (params.leaf.length !== HASH_BYTES) return false;
  if (proof.some((step) => siblingOf(step).length !== HASH_BYTES)) return false;
  let fn = index;
  let sn = size - 1;
  let acc = params.leaf;
  for (const step of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      if (!('left' in step)) return false;
      acc = hashChildren(step.left, acc);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      if (!('right' in step)) return false;
      acc = hashChildren(acc, step.right);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(acc, params.root);
}

/**
 * verifyConsistencyProof checks that the tree of `oldSize` leaves with root `oldRoot` is a prefix of
 * the tree of `newSize` leaves with root `newRoot` (RFC 9162 §2.1.4.2, CCF hashing).
 * Requires 1 <= oldSize <= newSize; equal sizes need an empty proof and equal roots.
 */
export function verifyConsistencyProof(params: {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Uint8Array;
  readonly newRoot: Uint8Array;
  readonly proof: readonly Uint8Array[];
}): boolean {
  const { oldSize, newSize, oldRoot, newRoot } = params;
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize))) return false;
  if (oldSize < 1 || oldSize > newSize) return false;
  if (params.proof.some((h) => h.length !== HASH_BYTES)) return false;
  if (oldSize === newSize) return params.proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (params.proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...params.proof] : [...params.proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
