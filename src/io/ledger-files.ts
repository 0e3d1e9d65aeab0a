// Ledger files (DESIGN §5, docs/formats.md "Ledger files"): the durable LedgerStorage of a node.
// Entries are appended to chunk files `ledger_<start>` with ONE write and ONE fdatasync per
// persist (group commit); a chunk of at least chunkBytesMin that ends at a signature is ended, and
// renamed `ledger_<start>-<end>.committed` once that signature is committed. Snapshots go to
// `snapshot_<seqno>.committed` (temp + fsync + rename); view/vote/commit hint to `hardstate`.
import { assert } from '../ds/assert.js';
import { type LedgerFileHandle, type LedgerFs, nodeLedgerFs } from './ledger-fs.js';
import { encodeHardStateSlot, HARD_STATE_SLOT_BYTES } from './ledger-hard-state.js';
import {
  committedChunkName,
  HARD_STATE_FILE,
  openChunkName,
  type RecoveredChunk,
  recoverLedger,
  snapshotName,
} from './ledger-recovery.js';
import { encodeSnapshotFileParts } from './ledger-snapshot-file.js';
import type {
  FileChunkSpan,
  FileEntryKind,
  FileHardState,
  FileLogEntry,
  FilePersistedState,
  FilePersistWork,
  FileSnapshot,
  LedgerFileFormat,
} from './ledger-types.js';

export const CHUNK_BYTES_MIN_DEFAULT = 5 * 1024 * 1024;

export interface LedgerFilesOptions {
  readonly dir: string;
  /** format: pass `ledgerFileFormat` from src/ledger/chunking.ts (io may not import ledger). */
  readonly format: LedgerFileFormat;
  readonly chunkBytesMin?: number;
  /** Committed chunks covered by the latest snapshot to keep (the newest N); default 'all'. */
  readonly keepCommittedChunks?: number | 'all';
  readonly fs?: LedgerFs;
  /** log receives recovery notes (what a torn tail cut) and background failures. */
  readonly log?: (message: string) => void;
}

/** LedgerFileStats counts the durable operations (tests check group commit with them). */
export interface LedgerFileStats {
  persistCount: number;
  datasyncCount: number;
  directorySyncCount: number;
  bytesAppended: number;
}

interface Chunk {
  startSeqno: number;
  lastSeqno: number;
  committed: boolean;
  ended: boolean;
  sizeBytes: number;
  ends: number[];
  kinds: FileEntryKind[];
}

/**
 * LedgerFiles implements node LedgerStorage (structurally) over a directory. `persist` calls must
 * not overlap (NodeMachine runs one at a time); `committed` and `snapshot` queue background work
 * behind them. Any write or sync failure is sticky: that call and every later persist report it.
 */
export class LedgerFiles {
  readonly stats: LedgerFileStats = { persistCount: 0, datasyncCount: 0, directorySyncCount: 0, bytesAppended: 0 };
  private readonly fs: LedgerFs;
  private readonly dir: string;
  private readonly format: LedgerFileFormat;
  private readonly chunkBytesMin: number;
  private readonly keep: number | 'all';
  private readonly log: (message: string) => void;
  private readonly chunks: Chunk[];
  private handle: LedgerFileHandle | null = null;
  private hardHandle: LedgerFileHandle | null = null;
  private hardSequence: number;
  private durableVote: { view: number; votedFor: string | null };
  private snapshotSeqno: number;
  private commitSeqno = 0;
  private queue: Promise<void> = Promise.resolve();
  /** snapshotQueue orders background snapshot writes (they never fail: errors become `fatal`). */
  private snapshotQueue: Promise<void> = Promise.resolve();
  private fatal: Error | null = null;
  private persistInFlight = false;
  private readonly loaded: FilePersistedState;

  constructor(options: LedgerFilesOptions, recovered: Awaited<ReturnType<typeof recoverLedger>>) {
    this.fs = options.fs ?? nodeLedgerFs;
    this.dir = options.dir;
    this.format = options.format;
    this.chunkBytesMin = options.chunkBytesMin ?? CHUNK_BYTES_MIN_DEFAULT;
    this.keep = options.keepCommittedChunks ?? 'all';
    this.log = options.log ?? ((m) => console.warn(m));
    this.chunks = recovered.chunks.map((c, i) => toChunk(c, i < recovered.chunks.length - 1));
    this.hardSequence = recovered.hardStateSequence;
    const hs = recovered.hardState;
    this.durableVote = { view: hs.view, votedFor: hs.votedFor };
    this.snapshotSeqno = recovered.snapshot?.seqno ?? 0;
    this.commitSeqno = hs.commitSeqno;
    this.loaded = { hardState: hs, snapshot: recovered.snapshot, entries: recovered.entries };
  }

  /** load returns the state recovered when the files were opened (torn tail already cut). */
  load(): FilePersistedState {
    return this.loaded;
  }

  /** persist applies `work` in order (snapshot, truncate, append, hard state) then syncs once. */
  persist(work: FilePersistWork, done: (error: Error | null) => void): void {
    assert(!this.persistInFlight, 'persist calls never overlap');
    this.persistInFlight = true;
    this.enqueue(() => this.persistNow(work)).then(
      () => {
        this.persistInFlight = false;
        done(null);
      },
      (error: unknown) => {
        this.persistInFlight = false;
        done(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** committed records the commit point and renames chunks that are now committed. */
  committed(seqno: number): void {
    if (seqno <= this.commitSeqno) return;
    this.commitSeqno = seqno;
    this.background('closing committed chunks', () => this.closeCommitted());
  }

  /**
   * snapshot writes a snapshot taken at a committed signature, then applies retention. The file
   * (tens of MB: write + fdatasync) is written beside the persist queue, so the appends and syncs
   * queued behind it are not held up; retention, which deletes chunks, then runs in that queue.
   */
  snapshot(snapshot: FileSnapshot): void {
    this.snapshotQueue = this.snapshotQueue
      .then(async () => {
        if (this.fatal !== null) throw this.fatal;
        await this.writeSnapshot(snapshot);
        this.background('applying snapshot retention', async () => {
          this.snapshotSeqno = Math.max(this.snapshotSeqno, snapshot.seqno);
          await this.applyRetention();
        });
      })
      .catch((error: unknown) => {
        this.fatal ??= error instanceof Error ? error : new Error(String(error));
        this.log(`ledger: failed writing a snapshot: ${String(error)}`);
      });
  }

  /** flush resolves once every queued operation is done (rejects with a sticky failure). */
  async flush(): Promise<void> {
    await this.snapshotQueue;
    return this.enqueue(async () => {});
  }

  /** close flushes and closes the files; the object is unusable afterwards. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle?.close();
      await this.hardHandle?.close();
      this.handle = null;
      this.hardHandle = null;
      this.fatal ??= new Error('ledger files closed');
    }
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.fatal !== null) throw this.fatal;
      try {
        await op();
      } catch (error) {
        this.fatal = error instanceof Error ? error : new Error(String(error));
        throw this.fatal;
      }
    };
    const next = this.queue.then(run);
    this.queue = next.catch(() => {});
    return next;
  }

  private background(what: string, op: () => Promise<void>): void {
    this.enqueue(op).catch((error: unknown) => this.log(`ledger: failed ${what}: ${String(error)}`));
  }

  private async persistNow(work: FilePersistWork): Promise<void> {
    this.stats.persistCount++;
    let dirty = false;
    let dirChanged = false;
    const snapshot = work.snapshot;
    const truncate = work.truncateFromSeqno;
    if (snapshot !== null) {
      // An installed snapshot replaces the log: let a background snapshot write finish first.
      await this.snapshotQueue;
      await this.writeSnapshot(snapshot);
      this.snapshotSeqno = Math.max(this.snapshotSeqno, snapshot.seqno);
      if (truncate !== null && truncate <= snapshot.seqno) dirChanged = await this.discardLog(snapshot.seqno);
    }
    if (truncate !== null && (snapshot === null || truncate > snapshot.seqno)) {
      const result = await this.truncateFrom(truncate);
      dirty ||= result.touched;
      dirChanged ||= result.deleted;
    }
    const hs = work.hardState;
    // A new view or vote is durable BEFORE entries of that view (a restarted node never sees a
    // log ahead of its view, and never votes twice in one view).
    const voteChanged = hs !== null && (hs.view !== this.durableVote.view || hs.votedFor !== this.durableVote.votedFor);
    if (hs !== null && voteChanged) await this.writeHardState(hs, true);
    if (work.entries.length > 0) {
      dirChanged = (await this.append(work.entries)) || dirChanged;
      dirty = true;
    }
    // The commit hint is only a hint (commit is re-derived): written in place, not synced.
    if (hs !== null && !voteChanged) await this.writeHardState(hs, false);
    if (dirty) {
      assert(this.handle !== null, 'a modified chunk is open');
      await this.handle.datasync();
      this.stats.datasyncCount++;
    }
    if (dirChanged) await this.syncDirectory();
  }

  private lastSeqno(): number {
    const last = this.chunks[this.chunks.length - 1];
    return Math.max(last?.lastSeqno ?? 0, this.snapshotSeqno);
  }

  /** append writes every entry's record with ONE write; returns whether a file was created. */
  private async append(entries: readonly FileLogEntry[]): Promise<boolean> {
    const first = entries[0]!;
    assert(first.seqno === this.lastSeqno() + 1, 'appends follow the log');
    let current = this.chunks[this.chunks.length - 1];
    let created = false;
    const startNew =
      current === undefined ||
      current.committed ||
      current.lastSeqno !== first.seqno - 1 ||
      this.format.startsNewChunk({
        chunkBytes: current.sizeBytes,
        chunkBytesMin: this.chunkBytesMin,
        lastKind: current.kinds[current.kinds.length - 1] ?? null,
      });
    if (startNew) {
      if (current !== undefined) current.ended = true;
      await this.handle?.close();
      this.handle = await this.fs.open(this.path(openChunkName(first.seqno)), 'append');
      current = { startSeqno: first.seqno, lastSeqno: first.seqno - 1, committed: false, ended: false, sizeBytes: 0, ends: [], kinds: [] };
      this.chunks.push(current);
      created = true;
    } else if (this.handle === null) {
      this.handle = await this.fs.open(this.path(openChunkName(current!.startSeqno)), 'append');
    }
    assert(current !== undefined && this.handle !== null, 'an open chunk to append to');
    // Every record is framed in place in the one buffer written (no array per record).
    let total = 0;
    for (const entry of entries) total += this.format.recordSizeBytes(entry);
    const buffer = new Uint8Array(total);
    let offset = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      assert(entry.seqno === current.lastSeqno + 1 + i, 'entries of a batch are contiguous');
      offset = this.format.encodeRecordInto(entry, buffer, offset);
      current.ends.push(current.sizeBytes + offset);
      current.kinds.push(entry.kind);
    }
    assert(offset === total, 'records fill the batch exactly');
    await this.handle.write(buffer, null);
    current.sizeBytes += total;
    current.lastSeqno += entries.length;
    this.stats.bytesAppended += total;
    return created;
  }

  /** truncateFrom drops entries >= seqno (never from a .committed chunk). */
  private async truncateFrom(seqno: number): Promise<{ touched: boolean; deleted: boolean }> {
    if (seqno > this.lastSeqno()) return { touched: false, deleted: false };
    const index = this.chunks.findIndex((c) => c.lastSeqno >= seqno);
    if (index < 0) return { touched: false, deleted: false };
    const chunk = this.chunks[index]!;
    assert(!chunk.committed, 'never truncates a .committed chunk (committed entries are final)');
    const keepWhole = chunk.startSeqno < seqno;
    const deleted = await this.deleteChunksFrom(keepWhole ? index + 1 : index);
    if (!keepWhole) return { touched: false, deleted };
    if (this.handle === null || index !== this.chunks.length - 1 || chunk.ended) {
      await this.handle?.close();
      this.handle = await this.fs.open(this.path(openChunkName(chunk.startSeqno)), 'append');
    }
    const keep = seqno - chunk.startSeqno;
    const sizeBytes = chunk.ends[keep - 1]!;
    await this.handle.truncate(sizeBytes);
    chunk.ends.length = keep;
    chunk.kinds.length = keep;
    chunk.lastSeqno = seqno - 1;
    chunk.sizeBytes = sizeBytes;
    chunk.ended = false;
    return { touched: true, deleted };
  }

  /** deleteChunksFrom unlinks chunks [index..] (none committed); the caller syncs the directory. */
  private async deleteChunksFrom(index: number): Promise<boolean> {
    if (index >= this.chunks.length) return false;
    await this.handle?.close();
    this.handle = null;
    for (const c of this.chunks.splice(index)) {
      assert(!c.committed, 'never deletes a .committed chunk by truncation');
      await this.fs.unlink(this.path(openChunkName(c.startSeqno)));
    }
    // Deletions must be durable before a truncated earlier chunk is appended to again.
    await this.syncDirectory();
    return true;
  }

  /** discardLog: an installed snapshot replaces the log; committed history stays as it is. */
  private async discardLog(snapshotSeqno: number): Promise<boolean> {
    for (const c of this.chunks) {
      if (c.committed) assert(c.lastSeqno <= snapshotSeqno, 'a snapshot covers committed chunks');
    }
    const first = this.chunks.findIndex((c) => !c.committed);
    return first < 0 ? false : this.deleteChunksFrom(first);
  }

  private async writeHardState(hs: FileHardState, sync: boolean): Promise<void> {
    this.hardHandle ??= await this.fs.open(this.path(HARD_STATE_FILE), 'update');
    this.hardSequence++;
    const slot = encodeHardStateSlot({ sequence: this.hardSequence, hardState: hs });
    await this.hardHandle.write(slot, (this.hardSequence % 2) * HARD_STATE_SLOT_BYTES);
    if (!sync) return;
    await this.hardHandle.datasync();
    this.stats.datasyncCount++;
    this.durableVote = { view: hs.view, votedFor: hs.votedFor };
  }

  private async writeSnapshot(snapshot: FileSnapshot): Promise<void> {
    const name = snapshotName(snapshot.seqno);
    const temp = this.path(`${name}.tmp`);
    const handle = await this.fs.open(temp, 'create');
    try {
      // Header, data and trailer in turn: the tens of MB of data are not copied on the event loop.
      for (const part of encodeSnapshotFileParts(snapshot)) await handle.write(part, null);
      await handle.datasync();
      this.stats.datasyncCount++;
    } finally {
      await handle.close();
    }
    await this.fs.rename(temp, this.path(name));
    await this.syncDirectory();
  }

  private async closeCommitted(): Promise<void> {
    const indices = this.format.closableChunks(this.chunks.map(spanOf), this.commitSeqno);
    if (indices.length === 0) return;
    for (const i of indices) {
      const c = this.chunks[i]!;
      assert(c.kinds[c.kinds.length - 1] === 'signature', 'a chunk ends at a signature');
      await this.fs.rename(
        this.path(openChunkName(c.startSeqno)),
        this.path(committedChunkName(c.startSeqno, c.lastSeqno)),
      );
      c.committed = true;
      c.ends = [];
      c.kinds = [];
    }
    await this.syncDirectory();
    await this.applyRetention();
  }

  private async applyRetention(): Promise<void> {
    const victims = this.format.retentionVictims(this.chunks.map(spanOf), this.snapshotSeqno, this.keep);
    if (victims.length === 0) return;
    for (const i of victims) {
      const c = this.chunks[i]!;
      assert(c.committed && c.lastSeqno <= this.snapshotSeqno, 'retention deletes covered chunks');
      await this.fs.unlink(this.path(committedChunkName(c.startSeqno, c.lastSeqno)));
    }
    const gone = new Set(victims);
    const kept = this.chunks.filter((_, i) => !gone.has(i));
    this.chunks.splice(0, this.chunks.length, ...kept);
    await this.syncDirectory();
  }

  private async syncDirectory(): Promise<void> {
    await this.fs.syncDirectory(this.dir);
    this.stats.directorySyncCount++;
  }

  private path(name: string): string {
    return `${this.dir}/${name}`;
  }
}

function spanOf(c: Chunk): FileChunkSpan {
  return { startSeqno: c.startSeqno, endSeqno: c.committed || c.ended ? c.lastSeqno : null, committed: c.committed };
}

function toChunk(c: RecoveredChunk, ended: boolean): Chunk {
  return {
    startSeqno: c.file.startSeqno,
    lastSeqno: c.lastSeqno,
    committed: c.file.endSeqno !== null,
    ended,
    sizeBytes: c.sizeBytes,
    ends: c.ends,
    kinds: c.kinds,
  };
}

/**
 * createLedgerFiles opens (creating if needed) a ledger directory and recovers it: async, because
 * it reads the files; `load()` on the result is then synchronous. Throws LedgerCorruptError when a
 * committed part of the ledger is damaged (the node must not start).
 */
export async function createLedgerFiles(options: LedgerFilesOptions): Promise<LedgerFiles> {
  const recovered = await recoverLedger({
    fs: options.fs ?? nodeLedgerFs,
    dir: options.dir,
    format: options.format,
    log: options.log ?? ((m) => console.warn(m)),
  });
  return new LedgerFiles(options, recovered);
}
