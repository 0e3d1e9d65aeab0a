// utf8.ts holds the shared UTF-8 encoder and strict decoder, and string checks.
import { FormatError } from '../ds/errors.js';

/** utf8Encoder is shared; TextEncoder is stateless. */
export const utf8Encoder = new TextEncoder();

/**
 * utf8Decoder rejects invalid UTF-8 (fatal) and keeps a leading U+FEFF (ignoreBOM), so that
 * decode(encode(s)) === s for every well-formed string.
 */
export const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** isWellFormedString is false when `text` holds a lone surrogate (not encodable as UTF-8). */
export function isWellFormedString(text: string): boolean {
  return !loneSurrogate.test(text);
}

/** utf8ToBytes encodes `text` (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8ToBytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** bytesToUtf8 decodes strict UTF-8. Throws FormatError (offset 0) on invalid input. */
export function bytesToUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new FormatError('invalid UTF-8', 0, cause);
  }
}
