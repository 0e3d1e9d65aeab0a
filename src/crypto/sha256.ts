// SHA-256 facade. The one-shot `crypto.hash` (Node >= 20.12) avoids the Hash-object overhead, which
// matters for the Merkle tree's append rate.
import { hash } from 'node:crypto';

/** SHA256_BYTES is the digest length. */
export const SHA256_BYTES = 32;

/** sha256 returns the 32-byte SHA-256 digest of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}
