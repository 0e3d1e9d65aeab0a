// snapshot.ts: the snapshot format v1 (docs/formats.md §3): every non-empty map, in canonical
// order, with every key's value and version. Encoded in chunks so a large store can be streamed
// to disk or to a joining node; decoded by a total decoder.
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { compareBytes } from '../codec/latin1.js';
import { utf8Decoder } from '../codec/utf8.js';
import { keyBytesMax, mapNameBytesMax, valueBytesMax } from '../constants.js';
import { varintSizeBytes } from '../codec/varint.js';
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import { type Entry, KvMap } from './state.js';

/** snapshotFormatVersion is the first byte of every snapshot. */
export const snapshotFormatVersion = 1;

/** SnapshotMap is one map to encode: its present keys in bytewise order and their entries. */
export interface SnapshotMap {
  readonly name: string;
  readonly keys: readonly string[];
  entryOf(key: string): Entry;
}

/** DecodedSnapshot is the state a snapshot describes. */
export interface DecodedSnapshot {
  readonly seqno: number;
  readonly maps: readonly KvMap[];
}

/**
 * encodeSnapshotChunks yields the snapshot of `maps` (non-empty, canonical order) at `seqno`,
 * in chunks of about `chunkBytes` (each a fresh array; their concatenation is the snapshot).
 */
export function* encodeSnapshotChunks(
  seqno: number,
  maps: readonly SnapshotMap[],
  chunkBytes: number,
): Generator<Uint8Array> {
  assert(chunkBytes > 0, 'chunkBytes is positive');
  const w = new ByteWriter(Math.min(chunkBytes + 1024, 1 << 20));
  w.u8(snapshotFormatVersion);
  w.u64(seqno);
  w.varint(maps.length);
  for (const map of maps) {
    assert(map.keys.length > 0, 'snapshot maps are not empty');
    w.string(map.name);
    w.varint(map.keys.length);
    for (const key of map.keys) {
      const entry = map.entryOf(key);
      assert(entry.version >= 1 && entry.version <= seqno, 'entry version within the snapshot');
      w.latin1(key);
      w.varint(entry.version);
      w.latin1(entry.value);
      if (w.lengthBytes >= chunkBytes) {
        yield w.finish().slice();
        w.reset();
      }
    }
  }
  if (w.lengthBytes > 0) yield w.finish();
}

/**
 * encodeSnapshot returns the snapshot of `maps` (non-empty, canonical order) at `seqno` in one
 * piece: the same bytes as the concatenation of encodeSnapshotChunks, written into one buffer
 * sized exactly up front (a large store is not copied by doubling). Each entry is looked up once.
 */
export function encodeSnapshot(seqno: number, maps: readonly SnapshotMap[]): Uint8Array {
  const versionBytes = varintSizeBytes(seqno);
  let sizeBytes = 1 + 8 + varintSizeBytes(maps.length);
  const mapEntries: Entry[][] = [];
  for (const map of maps) {
    const keys = map.keys;
    assert(keys.length > 0, 'snapshot maps are not empty');
    const entries: Entry[] = new Array(keys.length);
    // Map names are at most 3 bytes per UTF-16 unit: the bound is exact but for that slack.
    sizeBytes += 2 * varintSizeBytes(map.name.length * 3) + map.name.length * 3;
    sizeBytes += varintSizeBytes(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const entry = map.entryOf(key);
      entries[i] = entry;
      sizeBytes += varintSizeBytes(key.length) + key.length + versionBytes;
      sizeBytes += varintSizeBytes(entry.value.length) + entry.value.length;
    }
    mapEntries.push(entries);
  }
  const w = new ByteWriter(sizeBytes);
  w.u8(snapshotFormatVersion);
  w.u64(seqno);
  w.varint(maps.length);
  for (let m = 0; m < maps.length; m++) {
    const map = maps[m]!;
    const keys = map.keys;
    const entries = mapEntries[m]!;
    w.string(map.name);
    w.varint(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const entry = entries[i]!;
      assert(entry.version >= 1 && entry.version <= seqno, 'entry version within the snapshot');
      w.latin1(keys[i]!);
      w.varint(entry.version);
      w.latin1(entry.value);
    }
  }
  return w.finish();
}

/**
 * decodeSnapshot decodes a whole snapshot (total): throws FormatError on a wrong version, short
 * input, lengths over the limits, non-canonical order, empty maps, versions outside 1..seqno,
 * or trailing bytes. The result shares no memory with `bytes`.
 */
export function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot {
  const r = new ByteReader(bytes);
  const version = r.u8('snapshot version');
  if (version !== snapshotFormatVersion) {
    throw new FormatError(`unknown snapshot version ${version}`, 0);
  }
  const seqno = r.u64('snapshot seqno');
  // A map takes at least 6 bytes: name length, 1-byte name, count, key length, version, value length.
  const mapCount = r.count(Number.MAX_SAFE_INTEGER, 6, 'maps');
  const maps: KvMap[] = [];
  let previousName: Uint8Array | undefined;
  for (let i = 0; i < mapCount; i++) {
    const nameOffset = r.offset;
    const nameBytes = r.bytes(mapNameBytesMax, 'map name');
    if (previousName !== undefined && compareBytes(previousName, nameBytes) >= 0) {
      throw new FormatError('map names not strictly increasing', nameOffset);
    }
    previousName = nameBytes;
    const map = new KvMap(decodeName(nameBytes, nameOffset));
    map.version = seqno;
    decodeEntries(r, map, seqno);
    maps.push(map);
  }
  r.expectEnd('snapshot');
  return { seqno, maps };
}

function decodeName(bytes: Uint8Array, offset: number): string {
  if (bytes.length === 0) throw new FormatError('empty map name', offset);
  try {
    return utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new FormatError('map name: invalid UTF-8', offset, cause);
  }
}

function decodeEntries(r: ByteReader, map: KvMap, seqno: number): void {
  const countOffset = r.offset;
  // An entry takes at least 3 bytes: key length, version, value length.
  const count = r.count(Number.MAX_SAFE_INTEGER, 3, 'keys');
  if (count === 0) throw new FormatError('empty map in snapshot', countOffset);
  const entries = map.entries;
  let previousKey: string | undefined;
  for (let i = 0; i < count; i++) {
    const keyOffset = r.offset;
    const key = r.latin1(keyBytesMax, 'key');
    if (previousKey !== undefined && previousKey >= key) {
      throw new FormatError('keys not strictly increasing', keyOffset);
    }
    previousKey = key;
    const versionOffset = r.offset;
    const version = r.varint('key version', seqno);
    if (version === 0) throw new FormatError('key version 0', versionOffset);
    const value = r.latin1(valueBytesMax, 'value');
    entries.set(key, { value, version });
  }
}
