// Snapshot file format v1 (docs/formats.md "Ledger snapshots"): one consensus Snapshot (seqno,
// view, configurations, opaque data = src/ledger/ledger-snapshot.ts) with a CRC-32 trailer, in
// `snapshot_<seqno>.committed`. Written to a temp name, fsynced, renamed (ledger-files.ts).
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { crc32 } from '../codec/crc32.js';
import { FormatError } from '../ds/errors.js';
import type { FileConfiguration, FileSnapshot } from './ledger-types.js';

export const SNAPSHOT_FILE_VERSION = 1;
const MAGIC = 0x504e5343; // "CSNP" little-endian
const NODE_ID_BYTES_MAX = 256;
const CONFIG_NODES_MAX = 1024;
const CONFIGS_MAX = 64;
/** A snapshot file is at most 4 GiB (the data length is checked before anything is read). */
const SNAPSHOT_DATA_BYTES_MAX = 4 * 1024 ** 3;

function writeIds(w: ByteWriter, ids: readonly string[]): void {
  w.varint(ids.length);
  for (const id of ids) w.string(id);
}

/** encodeSnapshotFile: magic ‖ version ‖ seqno ‖ view ‖ configs ‖ data length ‖ data ‖ crc32. */
export function encodeSnapshotFile(snapshot: FileSnapshot): Uint8Array {
  const parts = encodeSnapshotFileParts(snapshot);
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * encodeSnapshotFileParts returns encodeSnapshotFile's bytes as [header, data, crc32 trailer],
 * to be written one after the other: the (large) data is not copied, only checksummed.
 */
export function encodeSnapshotFileParts(snapshot: FileSnapshot): readonly Uint8Array[] {
  const w = new ByteWriter(256);
  w.u32(MAGIC);
  w.u8(SNAPSHOT_FILE_VERSION);
  w.u64(snapshot.seqno);
  w.u64(snapshot.view);
  w.varint(snapshot.configs.length);
  for (const c of snapshot.configs) {
    w.varint(c.seqno);
    writeIds(w, c.config.voters);
    writeIds(w, c.config.learners);
  }
  w.u64(snapshot.data.length);
  const header = w.finish();
  const trailer = new Uint8Array(4);
  new DataView(trailer.buffer).setUint32(0, crc32(snapshot.data, crc32(header)), true);
  return [header, snapshot.data, trailer];
}

function readIds(r: ByteReader, what: string): string[] {
  const count = r.count(CONFIG_NODES_MAX, 1, what);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(r.string(NODE_ID_BYTES_MAX, what));
  return ids;
}

/** decodeSnapshotFile is total: it returns the snapshot or throws FormatError with the offset. */
export function decodeSnapshotFile(bytes: Uint8Array): FileSnapshot {
  if (bytes.length < 4) throw new FormatError('snapshot file too short', 0);
  const bodyLength = bytes.length - 4;
  const body = bytes.subarray(0, bodyLength);
  const crc = new DataView(bytes.buffer, bytes.byteOffset + bodyLength, 4).getUint32(0, true);
  if (crc32(body) !== crc) throw new FormatError('snapshot file checksum mismatch', bodyLength);
  const r = new ByteReader(body);
  if (r.u32('magic') !== MAGIC) throw new FormatError('not a snapshot file', 0);
  const version = r.u8('version');
  if (version !== SNAPSHOT_FILE_VERSION) throw new FormatError(`unknown snapshot file version ${version}`, 4);
  const seqno = r.u64('seqno');
  const view = r.u64('view');
  const count = r.count(CONFIGS_MAX, 3, 'configurations');
  const configs: { seqno: number; config: FileConfiguration }[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.varint('config seqno');
    configs.push({ seqno: at, config: { voters: readIds(r, 'voters'), learners: readIds(r, 'learners') } });
  }
  const dataOffset = r.offset;
  const dataLength = r.u64('data length');
  if (dataLength > SNAPSHOT_DATA_BYTES_MAX) throw new FormatError('snapshot data too large', dataOffset);
  const data = r.raw(dataLength, 'snapshot data');
  r.expectEnd('snapshot file');
  return { seqno, view, configs, data };
}
