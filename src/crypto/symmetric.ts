// Symmetric primitives for the ledger (DESIGN §5, §6): AES-256-GCM for private domains, HMAC-SHA256
// as the PRF that derives commit-evidence nonces, HKDF-SHA256 to derive purpose-specific keys from the
// ledger secret. All from node:crypto; nothing hand-written.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { assert } from '../ds/assert.js';
import { CryptoFormatError } from './errors.js';

/** AES_GCM_IV_BYTES and AES_GCM_TAG_BYTES are the GCM nonce and tag sizes used everywhere. */
export const AES_GCM_IV_BYTES = 12;
export const AES_GCM_TAG_BYTES = 16;
export const AES_256_KEY_BYTES = 32;

/** aesGcmEncrypt returns ciphertext ‖ tag for `plaintext` under `key`, `iv` and `aad`. */
export function aesGcmEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  assert(key.length === AES_256_KEY_BYTES, 'AES-256 key is 32 bytes');
  assert(iv.length === AES_GCM_IV_BYTES, 'GCM IV is 12 bytes');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: AES_GCM_TAG_BYTES });
  cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(head.length + tail.length + tag.length);
  out.set(head, 0);
  out.set(tail, head.length);
  out.set(tag, head.length + tail.length);
  return out;
}

/** aesGcmDecrypt reverses aesGcmEncrypt; throws CryptoFormatError when authentication fails. */
export function aesGcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  assert(key.length === AES_256_KEY_BYTES, 'AES-256 key is 32 bytes');
  assert(iv.length === AES_GCM_IV_BYTES, 'GCM IV is 12 bytes');
  if (sealed.length < AES_GCM_TAG_BYTES) throw new CryptoFormatError('ciphertext shorter than its tag');
  const body = sealed.subarray(0, sealed.length - AES_GCM_TAG_BYTES);
  const tag = sealed.subarray(sealed.length - AES_GCM_TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: AES_GCM_TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const head = decipher.update(body);
    const tail = decipher.final();
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  } catch (error) {
    throw new CryptoFormatError('AES-GCM authentication failed', error);
  }
}

/** hmacSha256 is HMAC-SHA256(key, data). */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  // A latin1 digest is a cheap one-byte string; a Buffer digest allocates a backing store.
  const digest = createHmac('sha256', key).update(data).digest('binary');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** hmacSha256Hex is HMAC-SHA256(key, data) as lowercase hex. */
export function hmacSha256Hex(key: Uint8Array, data: Uint8Array): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** hkdfSha256 derives `lengthBytes` from `secret` for the purpose named by `info` (RFC 5869). */
export function hkdfSha256(secret: Uint8Array, info: string, lengthBytes: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), info, lengthBytes));
}
