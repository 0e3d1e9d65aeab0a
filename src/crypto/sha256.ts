// SHA-256 facade. The one-shot `crypto.hash` (Node >= 20.12) avoids the Hash-object overhead, which
// matters for the Merkle tree's append rate. Digests are taken as 'binary' (latin1) strings, one
// code unit per byte, and copied out: node allocates a backing store for a 'buffer' digest, which
// costs two to four times the hash of a small input, while a 32-char one-byte string is cheap.
import { hash } from 'node:crypto';

/** SHA256_BYTES is the digest length. */
export const SHA256_BYTES = 32;

/** sha256 returns the 32-byte SHA-256 digest of `data` (a fresh array). */
export function sha256(data: Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'binary');
  const out = new Uint8Array(SHA256_BYTES);
  for (let i = 0; i < SHA256_BYTES; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/**
 * sha256Into writes the SHA-256 digest of `data` into `target[offset, offset + 32)`; `data` may be
 * a view of `target` (it is hashed before anything is written).
 */
export function sha256Into(data: Uint8Array, target: Uint8Array, offset: number): void {
  const digest = hash('sha256', data, 'binary');
  for (let i = 0; i < SHA256_BYTES; i++) target[offset + i] = digest.charCodeAt(i);
}

/** sha256Utf8Into writes SHA-256(UTF-8 of `text`) into `target[offset, offset + 32)`. */
export function sha256Utf8Into(text: string, target: Uint8Array, offset: number): void {
  const digest = hash('sha256', text, 'binary');
  for (let i = 0; i < SHA256_BYTES; i++) target[offset + i] = digest.charCodeAt(i);
}

/** sha256Hex returns the lowercase hex SHA-256 digest of `data`. */
export function sha256Hex(data: Uint8Array): string {
  return hash('sha256', data, 'hex');
}
