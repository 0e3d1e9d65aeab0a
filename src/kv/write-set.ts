// write-set.ts: the write set of a committed transaction and its canonical binary form (format
// v1, docs/formats.md §2). A write set is split in two domains, public and private, because the
// ledger stores the first in clear and encrypts the second.
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { compareBytes, writeLatin1 } from '../codec/latin1.js';
import { utf8Decoder, utf8Encoder } from '../codec/utf8.js';
import { varintSizeBytes, writeVarint } from '../codec/varint.js';
import { keyBytesMax, ledgerEntryBytesMax, mapNameBytesMax, valueBytesMax } from '../constants.js';
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import { compareMapNames, type Domain, mapDomain } from './map-name.js';

/** KeyWrite sets `key` to `value`, or deletes it when `value` is null. */
export interface KeyWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/** MapWrites lists the writes to one map, keys strictly increasing bytewise, at least one. */
export interface MapWrites {
  readonly name: string;
  readonly writes: readonly KeyWrite[];
}

/**
 * WriteSet is the canonical effect of one transaction: maps strictly increasing by UTF-8 name
 * bytes, none empty. Decoded write sets hold views into the decoded bytes (no copies).
 */
export interface WriteSet {
  readonly maps: readonly MapWrites[];
}

/** WriteSetDomains are the two serialised halves; an empty domain is zero bytes long. */
export interface WriteSetDomains {
  readonly publicBytes: Uint8Array;
  readonly privateBytes: Uint8Array;
}

/** writeSetFormatVersion is the first byte of every non-empty domain. */
export const writeSetFormatVersion = 1;

const opDelete = 0;
const opSet = 1;

/**
 * serializeWriteSet encodes `ws` deterministically (format v1). `ws` must be canonical (as
 * returned by Store.commit or deserializeWriteSet); anything else is a bug and fails an assert.
 */
export function serializeWriteSet(ws: WriteSet): WriteSetDomains {
  const publicMaps = ws.maps.filter((m) => mapDomain(m.name) === 'public');
  const privateMaps = ws.maps.filter((m) => mapDomain(m.name) === 'private');
  return { publicBytes: encodeDomain(publicMaps), privateBytes: encodeDomain(privateMaps) };
}

function encodeDomain(maps: readonly MapWrites[]): Uint8Array {
  if (maps.length === 0) return new Uint8Array(0);
  const w = new ByteWriter(domainSizeBytesMax(maps));
  w.u8(writeSetFormatVersion);
  w.varint(maps.length);
  let previousName: string | undefined;
  for (const map of maps) {
    if (previousName !== undefined) {
      assert(compareMapNames(previousName, map.name) < 0, 'write-set maps strictly increasing');
    }
    previousName = map.name;
    assert(map.writes.length > 0, 'write-set map has writes');
    w.string(map.name);
    w.varint(map.writes.length);
    let previousKey: Uint8Array | undefined;
    for (const { key, value } of map.writes) {
      if (previousKey !== undefined) {
        assert(compareBytes(previousKey, key) < 0, 'write-set keys strictly increasing');
      }
      previousKey = key;
      w.bytes(key);
      if (value === null) w.u8(opDelete);
      else {
        w.u8(opSet);
        w.bytes(value);
      }
    }
  }
  return w.finish();
}

/** domainSizeBytesMax bounds the encoded size, so the writer allocates once. */
function domainSizeBytesMax(maps: readonly MapWrites[]): number {
  let size = 1 + 8;
  for (const map of maps) {
    size += 8 + map.name.length * 3 + 8;
    for (const { key, value } of map.writes) {
      size += varintSizeBytes(key.length) + key.length + 1;
      if (value !== null) size += varintSizeBytes(value.length) + value.length;
    }
  }
  return size;
}

/**
 * Latin1MapWrites is one map's writes as a transaction holds them: latin1 keys (strictly
 * increasing, see codec/latin1.ts) and their latin1 values (null: delete).
 */
export interface Latin1MapWrites {
  readonly name: string;
  /** nameBytesLength is the UTF-8 length of `name`. */
  readonly nameBytesLength: number;
  readonly keys: readonly string[];
  readonly values: ReadonlyMap<string, string | null>;
}

/**
 * serializeLatin1WriteSet encodes the write set `maps` describe (canonical order, none empty)
 * exactly as serializeWriteSet encodes the same writes as bytes: each domain is sized exactly,
 * then written in one pass, converting nothing to intermediate arrays.
 */
export function serializeLatin1WriteSet(maps: readonly Latin1MapWrites[]): WriteSetDomains {
  return { publicBytes: encodeLatin1Domain(maps, 'public'), privateBytes: encodeLatin1Domain(maps, 'private') };
}

function encodeLatin1Domain(maps: readonly Latin1MapWrites[], domain: Domain): Uint8Array {
  let mapCount = 0;
  let sizeBytes = 1;
  for (const map of maps) {
    if (mapDomain(map.name) !== domain) continue;
    mapCount++;
    sizeBytes += latin1MapSizeBytes(map);
  }
  if (mapCount === 0) return new Uint8Array(0);
  sizeBytes += varintSizeBytes(mapCount);
  const out = new Uint8Array(sizeBytes);
  out[0] = writeSetFormatVersion;
  let at = writeVarint(out, 1, mapCount);
  let previousName: string | undefined;
  for (const map of maps) {
    if (mapDomain(map.name) !== domain) continue;
    if (previousName !== undefined) {
      assert(compareMapNames(previousName, map.name) < 0, 'write-set maps strictly increasing');
    }
    previousName = map.name;
    at = writeLatin1MapWrites(out, at, map);
  }
  assert(at === sizeBytes, 'write-set domain sized exactly');
  return out;
}

/** latin1MapSizeBytes is the encoded size of one map's name, count and writes. */
function latin1MapSizeBytes(map: Latin1MapWrites): number {
  let sizeBytes = varintSizeBytes(map.nameBytesLength) + map.nameBytesLength + varintSizeBytes(map.keys.length);
  for (const key of map.keys) {
    const value = map.values.get(key);
    sizeBytes += varintSizeBytes(key.length) + key.length + 1;
    if (value !== null && value !== undefined) sizeBytes += varintSizeBytes(value.length) + value.length;
  }
  return sizeBytes;
}

function writeLatin1MapWrites(out: Uint8Array, offset: number, map: Latin1MapWrites): number {
  assert(map.keys.length > 0, 'write-set map has writes');
  let at = writeVarint(out, offset, map.nameBytesLength);
  if (map.nameBytesLength === map.name.length) writeLatin1(out, at, map.name);
  else utf8Encoder.encodeInto(map.name, out.subarray(at, at + map.nameBytesLength));
  at = writeVarint(out, at + map.nameBytesLength, map.keys.length);
  let previousKey: string | undefined;
  for (const key of map.keys) {
    if (previousKey !== undefined) assert(previousKey < key, 'write-set keys strictly increasing');
    previousKey = key;
    const value = map.values.get(key);
    assert(value !== undefined, 'every key has a write');
    at = writeVarint(out, at, key.length);
    writeLatin1(out, at, key);
    at += key.length;
    if (value === null) out[at++] = opDelete;
    else {
      out[at++] = opSet;
      at = writeVarint(out, at, value.length);
      writeLatin1(out, at, value);
      at += value.length;
    }
  }
  return at;
}

/**
 * deserializeWriteSet decodes both domains (total). Throws FormatError on anything that
 * serializeWriteSet could not have produced: wrong version, bad lengths, limits exceeded,
 * non-canonical order, empty maps, a map in the wrong domain, trailing bytes.
 */
export function deserializeWriteSet(domains: WriteSetDomains): WriteSet {
  const publicMaps = decodeWriteSetDomain(domains.publicBytes, 'public');
  const privateMaps = decodeWriteSetDomain(domains.privateBytes, 'private');
  return { maps: mergeByName(publicMaps, privateMaps) };
}

function mergeByName(a: readonly MapWrites[], b: readonly MapWrites[]): MapWrites[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  return [...a, ...b].sort((x, y) => compareMapNames(x.name, y.name));
}

/** decodeWriteSetDomain decodes one domain (see deserializeWriteSet); keys/values are views. */
export function decodeWriteSetDomain(bytes: Uint8Array, domain: Domain): MapWrites[] {
  if (bytes.length === 0) return [];
  if (bytes.length > ledgerEntryBytesMax) {
    throw new FormatError(`write set of ${bytes.length} bytes above ${ledgerEntryBytesMax}`, 0);
  }
  const r = new ByteReader(bytes);
  const version = r.u8('write-set version');
  if (version !== writeSetFormatVersion) {
    throw new FormatError(`unknown write-set version ${version}`, 0);
  }
  // A map takes at least 5 bytes: name length, 1-byte name, count, key length, op.
  const mapCount = r.count(Number.MAX_SAFE_INTEGER, 5, 'maps');
  if (mapCount === 0) throw new FormatError('non-empty domain without maps', 1);
  const maps: MapWrites[] = [];
  let previousName: Uint8Array | undefined;
  for (let i = 0; i < mapCount; i++) {
    const nameOffset = r.offset;
    const nameBytes = r.bytes(mapNameBytesMax, 'map name');
    const name = decodeMapName(nameBytes, nameOffset, domain);
    if (previousName !== undefined && compareBytes(previousName, nameBytes) >= 0) {
      throw new FormatError('map names not strictly increasing', nameOffset);
    }
    previousName = nameBytes;
    maps.push({ name, writes: decodeMapWrites(r) });
  }
  r.expectEnd('write set');
  return maps;
}

function decodeMapName(bytes: Uint8Array, offset: number, domain: Domain): string {
  let name: string;
  try {
    name = utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new FormatError('map name: invalid UTF-8', offset, cause);
  }
  if (name.length === 0) throw new FormatError('empty map name', offset);
  if (mapDomain(name) !== domain) {
    throw new FormatError(`map '${name}' in the ${domain} domain`, offset);
  }
  return name;
}

function decodeMapWrites(r: ByteReader): KeyWrite[] {
  // A write takes at least 2 bytes: key length and op.
  const countOffset = r.offset;
  const count = r.count(Number.MAX_SAFE_INTEGER, 2, 'writes');
  if (count === 0) throw new FormatError('map without writes', countOffset);
  const writes: KeyWrite[] = [];
  let previousKey: Uint8Array | undefined;
  for (let i = 0; i < count; i++) {
    const keyOffset = r.offset;
    const key = r.bytes(keyBytesMax, 'key');
    if (previousKey !== undefined && compareBytes(previousKey, key) >= 0) {
      throw new FormatError('keys not strictly increasing', keyOffset);
    }
    previousKey = key;
    const opOffset = r.offset;
    const op = r.u8('write op');
    if (op === opDelete) writes.push({ key, value: null });
    else if (op === opSet) writes.push({ key, value: r.bytes(valueBytesMax, 'value') });
    else throw new FormatError(`unknown write op ${op}`, opOffset);
  }
  return writes;
}
