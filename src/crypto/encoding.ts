// Hex, base64 and UTF-8 helpers. Pure JS on globals that browsers also have (TextEncoder, atob, btoa),
// so browser-safe modules may use them directly.
import { FormatError } from '../ds/errors.js';

const HEX_DIGITS = '0123456789abcdef';
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!);
const textEncoder = new TextEncoder();

/** bytesToHex returns lowercase hex, two characters per byte. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * hexToBytes decodes hex (either case). Throws FormatError (offset = character index) on an odd
 * length or a non-hex character, and when `expectedBytes` is given and the length differs.
 */
export function hexToBytes(hex: string, expectedBytes?: number): Uint8Array {
  if (hex.length % 2 !== 0) throw new FormatError('hex string has odd length', hex.length);
  if (expectedBytes !== undefined && hex.length !== expectedBytes * 2) {
    throw new FormatError(`expected ${expectedBytes} bytes of hex, got ${hex.length / 2}`, 0);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0) throw new FormatError('not a hex digit', 2 * i);
    if (lo < 0) throw new FormatError('not a hex digit', 2 * i + 1);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** bytesToBase64 returns standard (RFC 4648 §4) padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/**
 * base64ToBytes decodes standard padded base64 and accepts only the canonical encoding (re-encoding
 * gives the input back), so a signature has exactly one textual form. Throws FormatError otherwise.
 */
export function base64ToBytes(text: string): Uint8Array {
  if (!BASE64_PATTERN.test(text)) throw new FormatError('not canonical padded base64', 0);
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  if (bytesToBase64(out) !== text) throw new FormatError('non-canonical base64 padding bits', 0);
  return out;
}

/** utf8 encodes a string as UTF-8 bytes. */
export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** concatBytes returns the concatenation of `parts` in order. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** bytesEqual compares two byte arrays (not constant-time: only for public data such as hashes). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
