// Hex, base64 and UTF-8 helpers. Pure JS on globals that browsers also have (TextEncoder, atob, btoa),
// so browser-safe modules may use them directly; Node's native Buffer base64 codec is used when it
// is present (atob/btoa are JS loops in Node, several microseconds per signature).
import { FormatError } from '../ds/errors.js';

/** The parts of Node's Buffer used here, when present (absent in browsers). */
interface NativeBase64 {
  from(text: string, encoding: 'base64'): Uint8Array;
  from(bytes: Uint8Array): { toString(encoding: 'base64'): string };
}
const nativeBase64 = (globalThis as { Buffer?: NativeBase64 }).Buffer;

const HEX_DIGITS = '0123456789abcdef';
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!);
/** HEX_CODES holds the char codes of the lowercase hex digits. */
const HEX_CODES = Uint8Array.from(HEX_DIGITS, (c) => c.charCodeAt(0));
const textEncoder = new TextEncoder();

/** bytesToHex returns lowercase hex, two characters per byte. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

/** NIBBLE maps a char code below 128 to its hex value, or -1. */
const NIBBLE = Int8Array.from({ length: 128 }, (_, code) => {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
});

function hexNibble(code: number): number {
  return code < 128 ? NIBBLE[code]! : -1;
}

/**
 * hexIntoAscii writes the lowercase hex of `bytes` as ASCII codes into `target` at `offset`
 * (2 bytes per byte) and returns the offset after it. No string is built.
 */
export function hexIntoAscii(bytes: Uint8Array, target: Uint8Array, offset: number): number {
  let at = offset;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    target[at++] = HEX_CODES[b >> 4]!;
    target[at++] = HEX_CODES[b & 15]!;
  }
  return at;
}

/**
 * hexInto decodes exactly `byteCount` bytes of hex (either case) into `target` at `offset`,
 * without allocating. Throws FormatError like hexToBytes(hex, byteCount) (nothing is promised
 * about `target` then).
 */
export function hexInto(hex: string, byteCount: number, target: Uint8Array, offset: number): void {
  if (hex.length !== byteCount * 2) {
    hexToBytes(hex, byteCount); // throws the precise FormatError
  }
  for (let i = 0; i < byteCount; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) hexToBytes(hex, byteCount); // throws the precise FormatError
    target[offset + i] = (hi << 4) | lo;
  }
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

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** bytesToBase64 returns standard (RFC 4648 §4) padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  if (nativeBase64 !== undefined) return nativeBase64.from(bytes).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/** BASE64_VALUE maps a char code below 128 to its base64 value, or -1 ('=' is -1 too). */
const BASE64_VALUE = Int8Array.from({ length: 128 }, (_, c) => BASE64_ALPHABET.indexOf(String.fromCharCode(c)));

/**
 * isCanonicalBase64 tells whether base64ToBytes would accept `text`, without decoding it: padded
 * to a multiple of 4 with at most two '=', alphabet otherwise, and zero padding bits.
 */
export function isCanonicalBase64(text: string): boolean {
  const n = text.length;
  if (n % 4 !== 0) return false;
  let end = n;
  if (n > 0 && text.charCodeAt(n - 1) === 61) end = text.charCodeAt(n - 2) === 61 ? n - 2 : n - 1;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || BASE64_VALUE[c]! < 0) return false;
  }
  if (end === n) return true;
  const last = BASE64_VALUE[text.charCodeAt(end - 1)]!;
  return (last & (end === n - 2 ? 0x0f : 0x03)) === 0;
}

/**
 * base64ToBytes decodes standard padded base64 and accepts only the canonical encoding (re-encoding
 * gives the input back), so a signature has exactly one textual form. Throws FormatError otherwise.
 */
export function base64ToBytes(text: string): Uint8Array {
  if (!BASE64_PATTERN.test(text)) throw new FormatError('not canonical padded base64', 0);
  if (nativeBase64 !== undefined) {
    // The pattern admits only well-formed input, so canonical = the padding bits are zero.
    if (!zeroPaddingBits(text)) throw new FormatError('non-canonical base64 padding bits', 0);
    // A copy: small Buffers are views of a shared pool, callers get an array of their own.
    return new Uint8Array(nativeBase64.from(text, 'base64'));
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  if (bytesToBase64(out) !== text) throw new FormatError('non-canonical base64 padding bits', 0);
  return out;
}

/** zeroPaddingBits: the bits of the last symbol that padding drops are zero (text matches the pattern). */
function zeroPaddingBits(text: string): boolean {
  const n = text.length;
  if (n === 0 || text[n - 1] !== '=') return true;
  const twoPads = text[n - 2] === '=';
  const last = BASE64_ALPHABET.indexOf(text[n - (twoPads ? 3 : 2)]!);
  return (last & (twoPads ? 0x0f : 0x03)) === 0;
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
