// values.ts: small helpers for the common value encodings (UTF-8 strings, JSON). Keys and values
// in the store are plain bytes; these only spare callers the TextEncoder boilerplate.
import { bytesToUtf8, utf8ToBytes } from '../codec/utf8.js';
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';

/** stringToBytes encodes a string as UTF-8. */
export function stringToBytes(text: string): Uint8Array {
  return utf8ToBytes(text);
}

/** bytesToString decodes strict UTF-8. Throws FormatError on invalid UTF-8. */
export function bytesToString(bytes: Uint8Array): string {
  return bytesToUtf8(bytes);
}

/** jsonToBytes encodes `value` as UTF-8 JSON (JSON.stringify rules; undefined is a bug). */
export function jsonToBytes(value: unknown): Uint8Array {
  const text = JSON.stringify(value);
  assert(text !== undefined, 'jsonToBytes: value has a JSON form');
  return utf8ToBytes(text);
}

/** bytesToJson decodes UTF-8 JSON. Throws FormatError on invalid UTF-8 or JSON. */
export function bytesToJson(bytes: Uint8Array): unknown {
  const text = bytesToUtf8(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FormatError('invalid JSON', 0, cause);
  }
}
