// Chunk policy for ledger files (DESIGN §5, docs/formats.md "Ledger files"): when a chunk ends,
// when it may be marked committed, which old chunks retention deletes, and where a damaged tail is
// cut back to. Pure decisions over plain numbers; the file mechanics live in src/io/ledger-files.ts,
// which receives `ledgerFileFormat` (below) from the composition root, because io may not import
// ledger (STYLE allowed-imports table).
import type { EntryKind } from '../consensus/types.js';
import { assert } from '../ds/assert.js';
import { encodeLogRecord, encodeLogRecordInto, logRecordSizeBytes, scanRecords } from './log-record.js';

/** CHUNK_BYTES_MIN_DEFAULT is CCF's default chunk size threshold (5 MiB). */
export const CHUNK_BYTES_MIN_DEFAULT = 5 * 1024 * 1024;

/** ChunkSpan is a chunk file's seqno range (`endSeqno` null while the chunk is still open). */
export interface ChunkSpan {
  readonly startSeqno: number;
  readonly endSeqno: number | null;
  readonly committed: boolean;
}

/**
 * startsNewChunk tells whether the next batch of appends goes to a NEW chunk file: only once the
 * current chunk holds at least `chunkBytesMin` bytes AND its last entry is a signature, so every
 * chunk ends at a signature (CCF). Deciding per batch keeps each persist inside one file, hence
 * one fdatasync.
 */
export function startsNewChunk(p: {
  readonly chunkBytes: number;
  readonly chunkBytesMin: number;
  readonly lastKind: EntryKind | null;
}): boolean {
  assert(p.chunkBytes >= 0 && p.chunkBytesMin >= 0, 'chunk sizes are not negative');
  return p.chunkBytes > 0 && p.chunkBytes >= p.chunkBytesMin && p.lastKind === 'signature';
}

/**
 * closableChunks returns the indices of ended (not the last, open) chunks whose last entry is
 * committed: they may be renamed `ledger_<start>-<end>.committed`. `chunks` is ordered by seqno.
 */
export function closableChunks(chunks: readonly ChunkSpan[], commitSeqno: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < chunks.length - 1; i++) {
    const c = chunks[i]!;
    if (c.committed || c.endSeqno === null) continue;
    if (c.endSeqno <= commitSeqno) out.push(i);
  }
  return out;
}

/**
 * retentionVictims returns the indices of committed chunks to delete: of the committed chunks that
 * end at or before `snapshotSeqno` (covered by the latest snapshot), all but the newest `keep`.
 * `keep === 'all'` deletes nothing. Chunks after the snapshot are always kept.
 */
export function retentionVictims(
  chunks: readonly ChunkSpan[],
  snapshotSeqno: number,
  keep: number | 'all',
): number[] {
  if (keep === 'all') return [];
  assert(Number.isSafeInteger(keep) && keep >= 0, 'keep is a count');
  const covered: number[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (c.committed && c.endSeqno !== null && c.endSeqno <= snapshotSeqno) covered.push(i);
  }
  return covered.slice(0, Math.max(0, covered.length - keep));
}

/**
 * cutBackToSignature returns how many of `kinds` (a damaged chunk's valid entries, in order) to
 * keep: up to and including the last signature, or none. A node restarts from a signed prefix.
 */
export function cutBackToSignature(kinds: readonly EntryKind[]): number {
  for (let i = kinds.length - 1; i >= 0; i--) if (kinds[i] === 'signature') return i + 1;
  return 0;
}

/**
 * ledgerFileFormat bundles the record framing (log-record.ts) and the chunk policy for
 * `createLedgerFiles` in src/io, which declares the matching interface structurally.
 */
export const ledgerFileFormat = {
  encodeRecord: encodeLogRecord,
  recordSizeBytes: logRecordSizeBytes,
  encodeRecordInto: encodeLogRecordInto,
  scanRecords,
  startsNewChunk,
  closableChunks,
  retentionVictims,
  cutBackToSignature,
} as const;
