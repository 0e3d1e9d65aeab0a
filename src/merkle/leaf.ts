// CCF leaf hashing (DESIGN §5; CCF "Receipts" docs): the ledger computes leaves with it, receipts
// recompute them.
import { assert } from '../ds/assert.js';
import { concatBytes, utf8 } from '../crypto/encoding.js';
import { sha256 } from '../crypto/sha256.js';
import { HASH_BYTES } from './hashing.js';

/** LeafComponents are the parts a CCF leaf hashes; digests are 32 bytes. */
export interface LeafComponents {
  /** writeSetDigest is SHA-256 of the serialised ledger entry. */
  readonly writeSetDigest: Uint8Array;
  /** commitEvidence is `ce:<view>.<seqno>:<64 hex>` (revealed only once committed). */
  readonly commitEvidence: string;
  /** claimsDigest is SHA-256 of the application claims, or 32 zero bytes. */
  readonly claimsDigest: Uint8Array;
}

/** leafPreimage is writeSetDigest ‖ SHA-256(commitEvidence) ‖ claimsDigest (96 bytes). */
export function leafPreimage(components: LeafComponents): Uint8Array {
  assert(components.writeSetDigest.length === HASH_BYTES, 'leaf: 32-byte writeSetDigest');
  assert(components.claimsDigest.length === HASH_BYTES, 'leaf: 32-byte claimsDigest');
  return concatBytes(
    components.writeSetDigest,
    sha256(utf8(components.commitEvidence)),
    components.claimsDigest,
  );
}

/** leafDigest is the Merkle leaf: SHA-256(leafPreimage(components)). */
export function leafDigest(components: LeafComponents): Uint8Array {
  return sha256(leafPreimage(components));
}
