// Hard-state file format v1 (docs/formats.md "Ledger files"): two fixed 512-byte slots updated in
// place, alternately, each with a sequence number and a CRC-32. A torn write damages at most the
// slot being written; the reader takes the valid slot with the highest sequence number. This lets
// the commit hint (which changes on every commit) be written WITHOUT an fsync, while a change of
// view or vote is written and fdatasynced before anything that depends on it.
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { crc32 } from '../codec/crc32.js';
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import type { FileHardState } from './ledger-types.js';

export const HARD_STATE_SLOT_BYTES = 512;
const MAGIC = 0x31534843; // "CHS1" little-endian
const VOTED_FOR_BYTES_MAX = 256;

/** HardStateSlot is one decoded slot. */
export interface HardStateSlot {
  readonly sequence: number;
  readonly hardState: FileHardState;
}

/** encodeHardStateSlot returns the 512 bytes of slot `sequence % 2`. */
export function encodeHardStateSlot(slot: HardStateSlot): Uint8Array {
  const w = new ByteWriter(HARD_STATE_SLOT_BYTES);
  w.u32(MAGIC);
  w.u64(slot.sequence);
  w.u64(slot.hardState.view);
  w.u64(slot.hardState.commitSeqno);
  w.u8(slot.hardState.votedFor === null ? 0 : 1);
  w.string(slot.hardState.votedFor ?? '');
  const body = w.finish();
  assert(body.length <= HARD_STATE_SLOT_BYTES - 4, 'hard state fits in a slot');
  const out = new Uint8Array(HARD_STATE_SLOT_BYTES);
  out.set(body, 0);
  const crcAt = HARD_STATE_SLOT_BYTES - 4;
  new DataView(out.buffer).setUint32(crcAt, crc32(out.subarray(0, crcAt)), true);
  return out;
}

/** decodeHardStateSlot parses one slot; throws FormatError when it is torn or not a slot. */
export function decodeHardStateSlot(bytes: Uint8Array): HardStateSlot {
  if (bytes.length !== HARD_STATE_SLOT_BYTES) throw new FormatError('hard state slot size', 0);
  const crcAt = HARD_STATE_SLOT_BYTES - 4;
  const crc = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(crcAt, true);
  if (crc32(bytes.subarray(0, crcAt)) !== crc) throw new FormatError('hard state checksum', crcAt);
  const r = new ByteReader(bytes.subarray(0, crcAt));
  if (r.u32('magic') !== MAGIC) throw new FormatError('not a hard state slot', 0);
  const sequence = r.u64('sequence');
  const view = r.u64('view');
  const commitSeqno = r.u64('commit seqno');
  const hasVote = r.u8('vote flag');
  const votedFor = r.string(VOTED_FOR_BYTES_MAX, 'votedFor');
  if (hasVote > 1 || (hasVote === 0 && votedFor !== '')) throw new FormatError('vote flag', 28);
  return { sequence, hardState: { view, votedFor: hasVote === 1 ? votedFor : null, commitSeqno } };
}

/** newestHardState picks the valid slot with the highest sequence from a whole file, or null. */
export function newestHardState(file: Uint8Array): HardStateSlot | null {
  let best: HardStateSlot | null = null;
  for (let slot = 0; slot < 2; slot++) {
    const bytes = file.subarray(slot * HARD_STATE_SLOT_BYTES, (slot + 1) * HARD_STATE_SLOT_BYTES);
    if (bytes.length !== HARD_STATE_SLOT_BYTES) continue;
    try {
      const decoded = decodeHardStateSlot(bytes);
      if (decoded.sequence % 2 !== slot) continue;
      if (best === null || decoded.sequence > best.sequence) best = decoded;
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
    }
  }
  return best;
}
