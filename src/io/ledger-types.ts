// Structural mirrors of the consensus/node types that ledger files store. src/io may import only
// ds, crypto and codec (STYLE allowed-imports table), so these repeat the shapes of LogEntry,
// Snapshot, HardState, PersistedState (src/consensus/types.ts) and PersistWork / LedgerStorage
// (src/node/node-machine.ts); ledger-files.test.ts assigns one to the other both ways, so the
// compiler catches any drift.
import type { FormatError } from '../ds/errors.js';

export type FileEntryKind = 'data' | 'signature' | 'config';

export interface FileConfiguration {
  readonly voters: readonly string[];
  readonly learners: readonly string[];
}

/** FileLogEntry mirrors consensus LogEntry. */
export interface FileLogEntry {
  readonly view: number;
  readonly seqno: number;
  readonly kind: FileEntryKind;
  readonly data: Uint8Array;
  readonly config?: FileConfiguration;
}

/** FileSnapshot mirrors consensus Snapshot. */
export interface FileSnapshot {
  readonly seqno: number;
  readonly view: number;
  readonly configs: readonly { readonly seqno: number; readonly config: FileConfiguration }[];
  readonly data: Uint8Array;
}

/** FileHardState mirrors consensus HardState. */
export interface FileHardState {
  readonly view: number;
  readonly votedFor: string | null;
  readonly commitSeqno: number;
}

/** FilePersistedState mirrors consensus PersistedState. */
export interface FilePersistedState {
  readonly hardState: FileHardState;
  readonly snapshot: FileSnapshot | null;
  readonly entries: readonly FileLogEntry[];
}

/** FilePersistWork mirrors node PersistWork. */
export interface FilePersistWork {
  readonly snapshot: FileSnapshot | null;
  readonly truncateFromSeqno: number | null;
  readonly entries: readonly FileLogEntry[];
  readonly hardState: FileHardState | null;
}

/** FileChunkSpan mirrors ledger ChunkSpan. */
export interface FileChunkSpan {
  readonly startSeqno: number;
  readonly endSeqno: number | null;
  readonly committed: boolean;
}

/** FileScanResult mirrors ledger ScanResult. */
export interface FileScanResult {
  readonly entries: FileLogEntry[];
  readonly validBytes: number;
  readonly problem: FormatError | null;
}

/**
 * LedgerFileFormat is what ledger files need from src/ledger (pass `ledgerFileFormat` from
 * src/ledger/chunking.ts): record framing and the pure chunk policy.
 */
export interface LedgerFileFormat {
  encodeRecord(entry: FileLogEntry): Uint8Array;
  /** recordSizeBytes is encodeRecord(entry).length, without encoding. */
  recordSizeBytes(entry: FileLogEntry): number;
  /** encodeRecordInto writes encodeRecord(entry) at `offset` in `target`; returns the end offset. */
  encodeRecordInto(entry: FileLogEntry, target: Uint8Array, offset: number): number;
  scanRecords(bytes: Uint8Array, firstSeqno: number | null): FileScanResult;
  startsNewChunk(p: {
    readonly chunkBytes: number;
    readonly chunkBytesMin: number;
    readonly lastKind: FileEntryKind | null;
  }): boolean;
  closableChunks(chunks: readonly FileChunkSpan[], commitSeqno: number): number[];
  retentionVictims(chunks: readonly FileChunkSpan[], snapshotSeqno: number, keep: number | 'all'): number[];
  cutBackToSignature(kinds: readonly FileEntryKind[]): number;
}
