// Ledger file records, format v1 (docs/formats.md "Ledger files"): how one consensus log entry is
// framed on disk. Records are concatenated in ledger chunk files; `scanRecords` finds where valid
// records end so a torn or corrupt tail can be cut back (DESIGN §5).
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { crc32 } from '../codec/crc32.js';
import { ledgerEntryBytesMax } from '../constants.js';
import type { Configuration, EntryKind, LogEntry } from '../consensus/types.js';
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';

export const LOG_RECORD_VERSION = 1;
/** A record is its entry plus at most this much framing and configuration. */
export const LOG_RECORD_OVERHEAD_BYTES_MAX = 64 * 1024;
const NODE_ID_BYTES_MAX = 256;
const CONFIG_NODES_MAX = 1024;

const kindCodes: Record<EntryKind, number> = { data: 0, signature: 1, config: 2 };
const kindNames: readonly EntryKind[] = ['data', 'signature', 'config'];

/** varintBytes is the size of a minimal LEB128 varint. */
function varintBytes(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

function putVarint(out: Uint8Array, offset: number, value: number): number {
  let at = offset;
  let v = value;
  while (v >= 0x80) {
    out[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[at++] = v;
  return at;
}

/** encodeLogRecord frames `entry`: length (u32) ‖ body ‖ CRC-32 of body (u32). */
export function encodeLogRecord(entry: LogEntry): Uint8Array {
  if (entry.kind !== 'config') return encodeDataRecord(entry);
  const w = new ByteWriter(entry.data.length + 64);
  w.u32(0);
  w.u8(LOG_RECORD_VERSION);
  w.u8(kindCodes[entry.kind]);
  w.varint(entry.view);
  w.varint(entry.seqno);
  if (entry.kind === 'config') {
    const config = entry.config!;
    w.varint(config.voters.length);
    for (const id of config.voters) w.string(id);
    w.varint(config.learners.length);
    for (const id of config.learners) w.string(id);
  }
  w.bytes(entry.data);
  const framed = w.finish();
  const bodyLength = framed.length - 4;
  new DataView(framed.buffer, framed.byteOffset).setUint32(0, bodyLength + 4, true);
  const out = new Uint8Array(framed.length + 4);
  out.set(framed, 0);
  new DataView(out.buffer).setUint32(framed.length, crc32(framed.subarray(4)), true);
  return out;
}

/** encodeDataRecord is encodeLogRecord for an entry without a configuration: one exact array. */
function encodeDataRecord(entry: LogEntry): Uint8Array {
  const out = new Uint8Array(logRecordSizeBytes(entry));
  const end = encodeDataRecordInto(entry, out, 0);
  assert(end === out.length, 'record sized exactly');
  return out;
}

/** logRecordSizeBytes is the length of encodeLogRecord(entry), computed without encoding it. */
export function logRecordSizeBytes(entry: LogEntry): number {
  if (entry.kind === 'config') return encodeLogRecord(entry).length;
  return 4 + dataBodyBytes(entry) + 4;
}

/**
 * encodeLogRecordInto writes encodeLogRecord(entry) into `target` at `offset` (the caller sized
 * `target` with logRecordSizeBytes) and returns the end offset: a batch of records is framed in
 * one array, without an array per record.
 */
export function encodeLogRecordInto(entry: LogEntry, target: Uint8Array, offset: number): number {
  if (entry.kind !== 'config') return encodeDataRecordInto(entry, target, offset);
  const record = encodeLogRecord(entry);
  target.set(record, offset);
  return offset + record.length;
}

function dataBodyBytes(entry: LogEntry): number {
  assert(Number.isSafeInteger(entry.view) && entry.view >= 0, 'view is a safe non-negative int');
  assert(Number.isSafeInteger(entry.seqno) && entry.seqno >= 0, 'seqno is a safe non-negative int');
  const length = entry.data.length;
  return 2 + varintBytes(entry.view) + varintBytes(entry.seqno) + varintBytes(length) + length;
}

function encodeDataRecordInto(entry: LogEntry, out: Uint8Array, offset: number): number {
  const bodyBytes = dataBodyBytes(entry);
  assert(offset + 4 + bodyBytes + 4 <= out.length, 'room for the record');
  putU32(out, offset, bodyBytes + 4);
  const body = offset + 4;
  out[body] = LOG_RECORD_VERSION;
  out[body + 1] = kindCodes[entry.kind];
  let at = putVarint(out, body + 2, entry.view);
  at = putVarint(out, at, entry.seqno);
  at = putVarint(out, at, entry.data.length);
  out.set(entry.data, at);
  at += entry.data.length;
  assert(at === body + bodyBytes, 'record body sized exactly');
  putU32(out, at, crc32(out.subarray(body, at)));
  return at + 4;
}

/** putU32 writes a u32 little-endian (no DataView per record). */
function putU32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  out[offset + 2] = (value >>> 16) & 0xff;
  out[offset + 3] = value >>> 24;
}

function readIds(r: ByteReader, what: string): string[] {
  const count = r.count(CONFIG_NODES_MAX, 1, what);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(r.string(NODE_ID_BYTES_MAX, what));
  return ids;
}

/** decodeLogRecordBody parses one record body (after the length, before the CRC). */
function decodeBody(body: Uint8Array, baseOffset: number): LogEntry {
  const r = new ByteReader(body);
  try {
    const version = r.u8('record version');
    if (version !== LOG_RECORD_VERSION) throw new FormatError(`unknown record version ${version}`, 0);
    const kind = kindNames[r.u8('record kind')];
    if (kind === undefined) throw new FormatError('unknown record kind', 1);
    const view = r.varint('view');
    const seqno = r.varint('seqno');
    let config: Configuration | undefined;
    if (kind === 'config') config = { voters: readIds(r, 'voters'), learners: readIds(r, 'learners') };
    // A view, not a copy: a 4 KiB copy per entry dominated audits (see scanRecords).
    const data = r.bytes(ledgerEntryBytesMax, 'entry data');
    r.expectEnd('record');
    return config === undefined ? { view, seqno, kind, data } : { view, seqno, kind, data, config };
  } catch (error) {
    if (error instanceof FormatError) throw new FormatError(error.message, baseOffset + error.offset);
    throw error;
  }
}

/** ScanResult: the valid records, where they end, and what stopped the scan (null = clean end). */
export interface ScanResult {
  readonly entries: LogEntry[];
  /** Byte offset just after the last valid record. */
  readonly validBytes: number;
  readonly problem: FormatError | null;
}

/**
 * scanRecords decodes consecutive records from `bytes` and stops at the first torn or corrupt one
 * (short length, CRC mismatch, bad body, or seqnos that do not follow each other). Each entry's
 * `data` is a VIEW of `bytes`: the caller hands `bytes` over and must not modify or reuse it.
 */
export function scanRecords(bytes: Uint8Array, firstSeqno: number | null = null): ScanResult {
  const entries: LogEntry[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let expected = firstSeqno;
  while (offset < bytes.length) {
    const fail = (message: string, at: number): ScanResult => ({
      entries,
      validBytes: offset,
      problem: new FormatError(message, at),
    });
    if (bytes.length - offset < 4) return fail('torn record length', offset);
    const length = dv.getUint32(offset, true);
    if (length < 8 || length > ledgerEntryBytesMax + LOG_RECORD_OVERHEAD_BYTES_MAX) {
      return fail(`record length ${length} out of range`, offset);
    }
    if (bytes.length - offset - 4 < length) return fail('torn record', offset);
    const body = bytes.subarray(offset + 4, offset + length);
    const crc = dv.getUint32(offset + length, true);
    if (crc32(body) !== crc) return fail('record checksum mismatch', offset);
    let entry: LogEntry;
    try {
      entry = decodeBody(body, offset + 4);
    } catch (error) {
      if (error instanceof FormatError) return { entries, validBytes: offset, problem: error };
      throw error;
    }
    if (expected !== null && entry.seqno !== expected) return fail('seqnos do not follow', offset);
    expected = entry.seqno + 1;
    entries.push(entry);
    offset += 4 + length;
  }
  return { entries, validBytes: offset, problem: null };
}
