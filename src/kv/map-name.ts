// map-name.ts: map names, their domain (public maps are clear in the ledger, all others are
// private and encrypted) and their canonical order (bytewise over UTF-8, as in formats.md).
import { compareBytes } from '../codec/latin1.js';
import { isWellFormedString, utf8ToBytes } from '../codec/utf8.js';
import { mapNameBytesMax } from '../constants.js';
import { LimitExceededError } from '../ds/errors.js';
import { InvalidMapNameError } from './errors.js';

/** publicMapPrefix marks public maps (DESIGN §1); everything else is private. */
export const publicMapPrefix = 'public:';

/** Domain is where a map's writes go in a ledger entry. */
export type Domain = 'public' | 'private';

/** mapDomain returns the domain of a map name. */
export function mapDomain(name: string): Domain {
  return name.startsWith(publicMapPrefix) ? 'public' : 'private';
}

/**
 * checkMapName returns the UTF-8 bytes of a valid map name. Throws InvalidMapNameError (empty,
 * lone surrogate) or LimitExceededError (over mapNameBytesMax).
 */
export function checkMapName(name: string): Uint8Array {
  if (name.length === 0) throw new InvalidMapNameError('empty');
  if (!isWellFormedString(name)) throw new InvalidMapNameError('lone surrogate');
  const bytes = utf8ToBytes(name);
  if (bytes.length > mapNameBytesMax) {
    throw new LimitExceededError({ limitName: 'mapNameBytesMax', limit: mapNameBytesMax, actual: bytes.length });
  }
  return bytes;
}

/**
 * mapNameBytesLength validates a map name like checkMapName and returns its UTF-8 byte length
 * only: an ASCII name (the common case) is checked without encoding it.
 */
export function mapNameBytesLength(name: string): number {
  const length = name.length;
  let ascii = length > 0 && length <= mapNameBytesMax;
  for (let i = 0; ascii && i < length; i++) ascii = name.charCodeAt(i) < 0x80;
  return ascii ? length : checkMapName(name).length;
}

/** compareMapNames orders names by their UTF-8 bytes (not by UTF-16 code units). */
export function compareMapNames(a: string, b: string): number {
  return compareBytes(utf8ToBytes(a), utf8ToBytes(b));
}
