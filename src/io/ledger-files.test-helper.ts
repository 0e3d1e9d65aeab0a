// Helpers for the ledger-files tests: temp directories, synthetic entries (record framing does
// not decode entry data, so any bytes do), promisified persist and a sync-counting fs facade.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerFileFormat } from '../ledger/chunking.js';
import { createLedgerFiles, type LedgerFiles, type LedgerFilesOptions } from './ledger-files.js';
import { type LedgerFs, nodeLedgerFs } from './ledger-fs.js';
import type { FileEntryKind, FileLogEntry, FilePersistWork } from './ledger-types.js';

export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `consort-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** entry builds a synthetic entry; every `signatureEvery`-th seqno is a signature. */
export function entry(seqno: number, view = 1, kind: FileEntryKind = 'data', sizeBytes = 40): FileLogEntry {
  const data = new Uint8Array(sizeBytes);
  for (let i = 0; i < sizeBytes; i++) data[i] = (seqno * 31 + i) & 0xff;
  return { view, seqno, kind, data };
}

/** batch returns entries [from, to] where each `signatureEvery`-th seqno is a signature. */
export function batch(from: number, to: number, signatureEvery = 5, view = 1): FileLogEntry[] {
  const out: FileLogEntry[] = [];
  for (let s = from; s <= to; s++) out.push(entry(s, view, s % signatureEvery === 0 ? 'signature' : 'data'));
  return out;
}

export function work(partial: Partial<FilePersistWork>): FilePersistWork {
  return { snapshot: null, truncateFromSeqno: null, entries: [], hardState: null, ...partial };
}

export function persist(files: LedgerFiles, w: FilePersistWork): Promise<void> {
  return new Promise((resolve, reject) => {
    files.persist(w, (error) => (error === null ? resolve() : reject(error)));
  });
}

export function open(dir: string, extra: Partial<LedgerFilesOptions> = {}): Promise<LedgerFiles> {
  return createLedgerFiles({ dir, format: ledgerFileFormat, log: () => {}, ...extra });
}

/** countingFs wraps the real fs, counting datasync calls and optionally failing them. */
export function countingFs(): { fs: LedgerFs; counts: { datasync: number; dirSync: number }; failSync: { on: boolean } } {
  const counts = { datasync: 0, dirSync: 0 };
  const failSync = { on: false };
  const fs: LedgerFs = {
    ...nodeLedgerFs,
    async open(path, mode) {
      const h = await nodeLedgerFs.open(path, mode);
      return {
        ...h,
        datasync: async () => {
          counts.datasync++;
          if (failSync.on) throw new Error('EIO: injected fdatasync failure');
          await h.datasync();
        },
      };
    },
    async syncDirectory(dir) {
      counts.dirSync++;
      await nodeLedgerFs.syncDirectory(dir);
    },
  };
  return { fs, counts, failSync };
}
