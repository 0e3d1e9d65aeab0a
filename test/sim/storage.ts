// Simulated ledger disk of one node, in BYTES: the log is one in-memory "file" of ledger records
// (`encodeLogRecord`, the on-disk framing of src/ledger/log-record.ts), next to a durable snapshot
// and hard state (view, vote, commit hint). Writes are pending until an fsync completes (the
// simulator schedules it); a crash drops every pending write or, torn, keeps a prefix of them that
// may end inside a record (a partial record, sometimes with a zeroed tail). Restart rebuilds the
// PersistedState by scanning the bytes with `scanRecords` and, when the scan stops at a torn or
// corrupt record, cutting the tail back to the last signature — the rule of the real ledger files
// (src/io/ledger-recovery.ts, `cutBackToSignature`). Writes of one persist are issued in the order
// [view+vote, snapshot, truncate, records, commit hint], as the real ledger files order them.
import type { HardState, LogEntry, PersistedState, Snapshot } from '../../src/consensus/types.js';
import type { SeededRng } from '../../src/ds/rng.js';
import { recordEnds } from '../../src/io/ledger-recovery.js';
import { cutBackToSignature } from '../../src/ledger/chunking.js';
import { encodeLogRecord, scanRecords } from '../../src/ledger/log-record.js';
import type { PersistWork } from '../../src/node/node-machine.js';

type DiskOp =
  | { readonly kind: 'vote'; readonly view: number; readonly votedFor: string | null }
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot; readonly discardLog: boolean }
  | { readonly kind: 'truncate'; readonly fromSeqno: number }
  | { readonly kind: 'append'; readonly firstSeqno: number; readonly bytes: Uint8Array; readonly ends: readonly number[] }
  | { readonly kind: 'commit'; readonly commitSeqno: number };

/** ByteFile is a growable byte buffer (an append-mostly file). */
class ByteFile {
  private data = new Uint8Array(4096);
  length = 0;

  bytes(): Uint8Array {
    return this.data.subarray(0, this.length);
  }

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.data.length) {
      const grown = new Uint8Array(Math.max(this.data.length * 2, this.length + bytes.length));
      grown.set(this.bytes());
      this.data = grown;
    }
    this.data.set(bytes, this.length);
    this.length += bytes.length;
  }

  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  dropPrefix(length: number): void {
    this.data.copyWithin(0, length, this.length);
    this.length -= length;
  }
}

/** RecoveryNote says what a restart found (for the event log and the stats). */
export interface RecoveryNote {
  readonly tornBytes: number;
  readonly cutEntries: number;
  readonly problem: string | null;
}

/** SimStorage is one node's disk; it survives the node's crashes. */
export class SimStorage {
  private hard: HardState = { view: 0, votedFor: null, commitSeqno: 0 };
  private snapshotValue: Snapshot | null = null;
  private readonly file = new ByteFile();
  /** Seqno of the file's first record; ends[i] is the byte offset after record firstSeqno + i. */
  private firstSeqno = 1;
  private ends: number[] = [];
  private pending: DiskOp[] = [];
  /** Problems found while applying writes (a gap in the log): reported as violations. */
  readonly errors: string[] = [];
  fsyncCount = 0;
  tornCutCount = 0;

  /** writePersist issues the writes of one NodeMachine persist (not yet durable). */
  writePersist(work: PersistWork): void {
    const hs = work.hardState;
    if (hs !== null) this.pending.push({ kind: 'vote', view: hs.view, votedFor: hs.votedFor });
    const snapshot = work.snapshot;
    // A snapshot install that discards the log is one write (like replacing the files), so a torn
    // crash never leaves the new snapshot followed by the old, conflicting records.
    const truncate = work.truncateFromSeqno;
    const discardLog = snapshot !== null && truncate !== null && truncate <= snapshot.seqno;
    if (snapshot !== null) this.pending.push({ kind: 'snapshot', snapshot, discardLog });
    if (truncate !== null && !discardLog) this.pending.push({ kind: 'truncate', fromSeqno: truncate });
    if (work.entries.length > 0) this.pending.push(appendOp(work.entries));
    if (hs !== null) this.pending.push({ kind: 'commit', commitSeqno: hs.commitSeqno });
  }

  /** writeSnapshot issues a snapshot write (compaction at a committed signature). */
  writeSnapshot(snapshot: Snapshot): void {
    this.pending.push({ kind: 'snapshot', snapshot, discardLog: false });
  }

  /** fsyncBegin returns a token; fsyncEnd(token) makes every write issued before it durable. */
  fsyncBegin(): number {
    this.fsyncCount++;
    return this.pending.length;
  }

  fsyncEnd(token: number): void {
    const done = this.pending.splice(0, Math.min(token, this.pending.length));
    for (const op of done) this.apply(op);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * crash forgets pending writes; with probability `tornProbability` a prefix of them lands, and
   * the first write that did not land whole may leave a prefix of its bytes (a partial record),
   * sometimes with its last bytes zeroed. Returns the number of whole writes kept.
   */
  crash(rng: SeededRng, tornProbability: number): number {
    let kept = 0;
    if (this.pending.length > 0 && rng.chance(tornProbability)) {
      // Usually tear inside a pending record write (when there is one), else anywhere.
      const appends: number[] = [];
      this.pending.forEach((op, i) => {
        if (op.kind === 'append') appends.push(i);
      });
      kept = appends.length > 0 && rng.chance(0.7) ? appends[rng.int(0, appends.length - 1)]! : rng.int(0, this.pending.length);
      for (const op of this.pending.slice(0, kept)) this.apply(op);
      const partial = this.pending[kept];
      if (partial?.kind === 'append' && this.appendFollows(partial)) {
        if (this.ends.length === 0) this.firstSeqno = partial.firstSeqno;
        const bytes = partial.bytes.slice(0, rng.int(1, partial.bytes.length - 1));
        if (rng.chance(0.3)) bytes.fill(0, Math.max(0, bytes.length - rng.int(1, 16)));
        this.file.append(bytes); // ends are stale until the restart rescans the file
      }
    }
    this.pending = [];
    return kept;
  }

  /**
   * recover reads back what a restarted node sees: the durable snapshot and hard state and the
   * records scanned from the file, a torn/corrupt tail cut back to the last signature (and the
   * file truncated there, as the real recovery does).
   */
  recover(): { persisted: PersistedState; note: RecoveryNote } {
    const bytes = this.file.bytes();
    const scan = scanRecords(bytes, this.file.length === 0 ? null : this.firstSeqno);
    let entries = scan.entries;
    let note: RecoveryNote = { tornBytes: 0, cutEntries: 0, problem: null };
    if (scan.problem !== null) {
      const keep = cutBackToSignature(entries.map((e) => e.kind));
      const validBytes = keep === 0 ? 0 : recordEnds(bytes, keep)[keep - 1]!;
      note = { tornBytes: bytes.length - validBytes, cutEntries: entries.length - keep, problem: scan.problem.message };
      entries = entries.slice(0, keep);
      this.file.truncate(validBytes);
      this.tornCutCount++;
    }
    this.ends = recordEnds(this.file.bytes(), entries.length);
    const base = this.snapshotValue?.seqno ?? 0;
    // scanRecords hands out views of the scanned bytes: copy, the file changes under them.
    const logEntries = entries.filter((e) => e.seqno > base).map((e) => ({ ...e, data: e.data.slice() }));
    if (logEntries.length > 0 && logEntries[0]!.seqno !== base + 1) {
      this.errors.push(`disk: records start at ${logEntries[0]!.seqno} after snapshot ${base} (gap)`);
    }
    const persisted: PersistedState = { hardState: { ...this.hard }, snapshot: this.snapshotValue, entries: logEntries };
    return { persisted, note };
  }

  /** recordAt returns the durable record bytes of `seqno`, or undefined if the file lacks it. */
  recordAt(seqno: number): Uint8Array | undefined {
    const i = seqno - this.firstSeqno;
    if (i < 0 || i >= this.ends.length) return undefined;
    const start = i === 0 ? 0 : this.ends[i - 1]!;
    return this.file.bytes().subarray(start, this.ends[i]!);
  }

  get sizeBytes(): number {
    return this.file.length;
  }

  private lastSeqno(): number {
    return this.firstSeqno + this.ends.length - 1;
  }

  private appendFollows(op: { readonly firstSeqno: number }): boolean {
    return this.ends.length === 0 || op.firstSeqno === this.lastSeqno() + 1;
  }

  private clearFile(nextSeqno: number): void {
    this.file.truncate(0);
    this.ends = [];
    this.firstSeqno = nextSeqno;
  }

  private apply(op: DiskOp): void {
    switch (op.kind) {
      case 'vote':
        this.hard = { ...this.hard, view: op.view, votedFor: op.votedFor };
        return;
      case 'commit':
        this.hard = { ...this.hard, commitSeqno: op.commitSeqno };
        return;
      case 'truncate': {
        const keep = op.fromSeqno - this.firstSeqno;
        if (keep <= 0) this.clearFile(op.fromSeqno);
        else if (keep < this.ends.length) {
          this.file.truncate(this.ends[keep - 1]!);
          this.ends.length = keep;
        }
        return;
      }
      case 'snapshot': {
        const s = op.snapshot.seqno;
        if (s <= (this.snapshotValue?.seqno ?? 0)) return;
        this.snapshotValue = op.snapshot;
        // Records covered by the snapshot are dropped (retention); a discarding install drops all.
        const drop = s - this.firstSeqno + 1;
        if (op.discardLog || drop >= this.ends.length) this.clearFile(s + 1);
        else if (drop > 0) {
          const offset = this.ends[drop - 1]!;
          this.file.dropPrefix(offset);
          this.ends = this.ends.slice(drop).map((e) => e - offset);
          this.firstSeqno = s + 1;
        }
        return;
      }
      case 'append': {
        if (this.ends.length === 0) this.firstSeqno = op.firstSeqno;
        else if (!this.appendFollows(op)) {
          this.errors.push(`disk: records from ${op.firstSeqno} written after last ${this.lastSeqno()} (gap)`);
          return;
        }
        const base = this.file.length;
        this.file.append(op.bytes);
        for (const e of op.ends) this.ends.push(base + e);
        return;
      }
    }
  }
}

/** appendOp frames `entries` as records in ONE write (group commit). */
function appendOp(entries: readonly LogEntry[]): DiskOp {
  const records = entries.map(encodeLogRecord);
  let total = 0;
  for (const r of records) total += r.length;
  const bytes = new Uint8Array(total);
  const ends: number[] = [];
  let offset = 0;
  for (const r of records) {
    bytes.set(r, offset);
    offset += r.length;
    ends.push(offset);
  }
  return { kind: 'append', firstSeqno: entries[0]!.seqno, bytes, ends };
}
