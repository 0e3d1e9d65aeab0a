// Recovery of a ledger directory at start-up (DESIGN §5): lists chunk and snapshot files, reads
// the newest snapshot and the chunks after it, cuts a torn or corrupt tail of the LAST chunk back
// to its last signature, and refuses (LedgerCorruptError) to start on damage anywhere else.
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import { LedgerCorruptError } from './ledger-errors.js';
import type { LedgerFs } from './ledger-fs.js';
import { newestHardState } from './ledger-hard-state.js';
import { decodeSnapshotFile } from './ledger-snapshot-file.js';
import type {
  FileEntryKind,
  FileHardState,
  FileLogEntry,
  FileSnapshot,
  LedgerFileFormat,
} from './ledger-types.js';

export const HARD_STATE_FILE = 'hardstate';
const OPEN_CHUNK = /^ledger_([1-9][0-9]*)$/;
const COMMITTED_CHUNK = /^ledger_([1-9][0-9]*)-([1-9][0-9]*)\.committed$/;
const SNAPSHOT = /^snapshot_([1-9][0-9]*)\.committed$/;

/** ChunkFile is a chunk file found in the directory. */
export interface ChunkFile {
  readonly name: string;
  readonly startSeqno: number;
  /** endSeqno from a `.committed` name; null for a chunk that is not committed. */
  readonly endSeqno: number | null;
}

/** LedgerListing is a directory's ledger files, chunks and snapshots ordered by seqno. */
export interface LedgerListing {
  readonly chunks: readonly ChunkFile[];
  readonly snapshots: readonly { readonly name: string; readonly seqno: number }[];
  readonly temporaries: readonly string[];
}

/** openChunkName / committedChunkName / snapshotName build the file names (formats.md). */
export const openChunkName = (start: number): string => `ledger_${start}`;
export const committedChunkName = (start: number, end: number): string =>
  `ledger_${start}-${end}.committed`;
export const snapshotName = (seqno: number): string => `snapshot_${seqno}.committed`;

/** parseLedgerListing classifies directory entries; unrelated names are ignored. */
export function parseLedgerListing(names: readonly string[]): LedgerListing {
  const chunks: ChunkFile[] = [];
  const snapshots: { name: string; seqno: number }[] = [];
  const temporaries: string[] = [];
  for (const name of names) {
    const open = OPEN_CHUNK.exec(name);
    const committed = COMMITTED_CHUNK.exec(name);
    const snapshot = SNAPSHOT.exec(name);
    if (open !== null) chunks.push({ name, startSeqno: Number(open[1]), endSeqno: null });
    else if (committed !== null) {
      chunks.push({ name, startSeqno: Number(committed[1]), endSeqno: Number(committed[2]) });
    } else if (snapshot !== null) snapshots.push({ name, seqno: Number(snapshot[1]) });
    else if (name.endsWith('.tmp')) temporaries.push(name);
  }
  chunks.sort((a, b) => a.startSeqno - b.startSeqno);
  snapshots.sort((a, b) => a.seqno - b.seqno);
  return { chunks, snapshots, temporaries };
}

/** RecoveredChunk is a chunk's state after recovery (offsets only for chunks not committed). */
export interface RecoveredChunk {
  readonly file: ChunkFile;
  readonly lastSeqno: number;
  readonly sizeBytes: number;
  /** ends[i] is the byte offset just after entry startSeqno + i (empty for committed chunks). */
  readonly ends: number[];
  readonly kinds: FileEntryKind[];
}

/** Recovered is everything ledger files need to continue after a restart. */
export interface Recovered {
  readonly chunks: RecoveredChunk[];
  readonly snapshot: FileSnapshot | null;
  readonly entries: FileLogEntry[];
  readonly hardState: FileHardState;
  readonly hardStateSequence: number;
}

/** recordEnds returns the byte offset after each of the first `count` records of `bytes`. */
export function recordEnds(bytes: Uint8Array, count: number): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ends: number[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    offset += 4 + dv.getUint32(offset, true);
    ends.push(offset);
  }
  assert(offset <= bytes.length, 'record ends within the valid bytes');
  return ends;
}

interface Context {
  readonly fs: LedgerFs;
  readonly dir: string;
  readonly format: LedgerFileFormat;
  readonly log: (message: string) => void;
}

async function readSnapshot(ctx: Context, listing: LedgerListing): Promise<FileSnapshot | null> {
  const newest = listing.snapshots[listing.snapshots.length - 1];
  if (newest === undefined) return null;
  const bytes = await ctx.fs.readFile(`${ctx.dir}/${newest.name}`);
  try {
    const snapshot = decodeSnapshotFile(bytes);
    if (snapshot.seqno !== newest.seqno) throw new FormatError('seqno differs from the name', 5);
    return snapshot;
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    throw new LedgerCorruptError({
      file: newest.name,
      seqno: newest.seqno,
      offset: error.offset,
      reason: error.message,
      cause: error,
    });
  }
}

/** scanChunk reads one chunk file; a damaged LAST uncommitted chunk is cut back to a signature. */
async function scanChunk(ctx: Context, file: ChunkFile, isLast: boolean): Promise<{
  entries: FileLogEntry[];
  sizeBytes: number;
  ends: number[];
}> {
  const path = `${ctx.dir}/${file.name}`;
  const bytes = await ctx.fs.readFile(path);
  const scan = ctx.format.scanRecords(bytes, file.startSeqno);
  let entries = scan.entries;
  let validBytes = scan.validBytes;
  if (scan.problem !== null) {
    if (file.endSeqno !== null || !isLast) {
      throw new LedgerCorruptError({
        file: file.name,
        seqno: file.startSeqno + entries.length,
        offset: scan.problem.offset,
        reason: scan.problem.message,
        cause: scan.problem,
      });
    }
    const keep = ctx.format.cutBackToSignature(entries.map((e) => e.kind));
    const ends = recordEnds(bytes, keep);
    validBytes = keep === 0 ? 0 : ends[keep - 1]!;
    ctx.log(
      `ledger: ${file.name}: ${scan.problem.message}; cut ${bytes.length - validBytes} bytes ` +
        `(entries ${file.startSeqno + keep}..${file.startSeqno + entries.length - 1} valid but ` +
        `unsigned, then a damaged record) back to the last signature (seqno ${file.startSeqno + keep - 1})`,
    );
    entries = entries.slice(0, keep);
    const handle = await ctx.fs.open(path, 'update');
    try {
      await handle.truncate(validBytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
  const last = file.startSeqno + entries.length - 1;
  if (file.endSeqno !== null && last !== file.endSeqno) {
    throw new LedgerCorruptError({
      file: file.name,
      seqno: last + 1,
      offset: validBytes,
      reason: `committed chunk ends at ${last}, its name says ${file.endSeqno}`,
    });
  }
  const ends = file.endSeqno === null ? recordEnds(bytes, entries.length) : [];
  return { entries, sizeBytes: validBytes, ends };
}

/**
 * recoverLedger reads `dir` (created if missing). Entries come back from the newest snapshot on,
 * contiguous; committed chunks entirely covered by that snapshot are not read (the auditor checks
 * them). Throws LedgerCorruptError on damage that is not a torn tail of the last chunk.
 */
export async function recoverLedger(ctx: Context): Promise<Recovered> {
  await ctx.fs.mkdirp(ctx.dir);
  const listing = parseLedgerListing(await ctx.fs.readdir(ctx.dir));
  for (const name of listing.temporaries) await ctx.fs.unlink(`${ctx.dir}/${name}`);
  const snapshot = await readSnapshot(ctx, listing);
  const base = snapshot?.seqno ?? 0;
  const chunks: RecoveredChunk[] = [];
  const entries: FileLogEntry[] = [];
  let prevLast: number | null = null;
  let committedEnd = 0;
  for (let i = 0; i < listing.chunks.length; i++) {
    const file = listing.chunks[i]!;
    const corrupt = (reason: string): LedgerCorruptError =>
      new LedgerCorruptError({ file: file.name, seqno: file.startSeqno, offset: 0, reason });
    if (prevLast !== null && file.startSeqno <= prevLast) throw corrupt(`overlaps seqno ${prevLast}`);
    if (prevLast !== null && file.startSeqno !== prevLast + 1 && file.startSeqno > base + 1) {
      throw corrupt(`seqnos ${prevLast + 1}..${file.startSeqno - 1} are missing`);
    }
    if (file.endSeqno !== null && file.endSeqno <= base) {
      chunks.push({ file, lastSeqno: file.endSeqno, sizeBytes: 0, ends: [], kinds: [] });
      prevLast = file.endSeqno;
      committedEnd = file.endSeqno;
      continue;
    }
    const scanned = await scanChunk(ctx, file, i === listing.chunks.length - 1);
    for (const e of scanned.entries) {
      if (e.seqno <= base) continue;
      if (e.seqno !== base + entries.length + 1) throw corrupt(`seqno ${e.seqno} does not follow`);
      entries.push(e);
    }
    const lastSeqno = file.startSeqno + scanned.entries.length - 1;
    if (file.endSeqno !== null) committedEnd = file.endSeqno;
    const kinds = file.endSeqno === null ? scanned.entries.map((e) => e.kind) : [];
    chunks.push({ file, lastSeqno, sizeBytes: scanned.sizeBytes, ends: scanned.ends, kinds });
    prevLast = lastSeqno;
  }
  const hard = await readHardState(ctx);
  const hardState = {
    ...hard.hardState,
    commitSeqno: Math.max(hard.hardState.commitSeqno, committedEnd, base),
  };
  return { chunks, snapshot, entries, hardState, hardStateSequence: hard.sequence };
}

async function readHardState(ctx: Context): Promise<{ hardState: FileHardState; sequence: number }> {
  const listing = await ctx.fs.readdir(ctx.dir);
  const empty = { hardState: { view: 0, votedFor: null, commitSeqno: 0 }, sequence: 0 };
  if (!listing.includes(HARD_STATE_FILE)) return empty;
  const bytes = await ctx.fs.readFile(`${ctx.dir}/${HARD_STATE_FILE}`);
  const slot = newestHardState(bytes);
  // The first write (sequence 1) goes to slot 1: slot 0 still zero means it was torn, and nothing
  // durable depended on it yet. Otherwise both slots damaged means the vote is lost: refuse.
  if (slot === null && bytes.subarray(0, 512).every((b) => b === 0)) return empty;
  if (slot === null) {
    throw new LedgerCorruptError({ file: HARD_STATE_FILE, seqno: 0, offset: 0, reason: 'no valid slot' });
  }
  return slot;
}
