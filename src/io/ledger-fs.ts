// LedgerFs: the few file operations ledger files need, as an injectable facade over
// node:fs/promises, so tests can count syncs and inject write/fsync failures.
import { open, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';

/** LedgerFileHandle is an open file. `write` with position null appends (O_APPEND files). */
export interface LedgerFileHandle {
  write(bytes: Uint8Array, position: number | null): Promise<void>;
  /** datasync is fdatasync(2): data and the metadata needed to read it (size) are durable. */
  datasync(): Promise<void>;
  truncate(lengthBytes: number): Promise<void>;
  close(): Promise<void>;
}

/** LedgerFs is the file system as ledger files use it. */
export interface LedgerFs {
  /** open: 'append' creates or appends (O_APPEND); 'update' creates or updates in place; 'create' truncates. */
  open(path: string, mode: 'append' | 'update' | 'create'): Promise<LedgerFileHandle>;
  /** syncDirectory fsyncs a directory, making created, renamed and deleted names durable. */
  syncDirectory(dir: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  readFile(path: string): Promise<Uint8Array>;
  mkdirp(dir: string): Promise<void>;
  sizeBytes(path: string): Promise<number>;
}

const flags = { append: 'a', update: 'a+', create: 'w' } as const;

/** nodeLedgerFs is the real file system. */
export const nodeLedgerFs: LedgerFs = {
  async open(path, mode) {
    // 'update' must write at positions: 'a+' appends on Linux, so use r+ (creating first).
    const handle = mode === 'update' ? await openForUpdate(path) : await open(path, flags[mode]);
    return {
      write: async (bytes, position) => {
        let done = 0;
        while (done < bytes.length) {
          const at = position === null ? null : position + done;
          const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at);
          done += bytesWritten;
        }
      },
      datasync: () => handle.datasync(),
      truncate: (lengthBytes) => handle.truncate(lengthBytes),
      close: () => handle.close(),
    };
  },
  async syncDirectory(dir) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  unlink: (path) => rm(path, { force: true }),
  readdir: (dir) => readdir(dir),
  readFile: async (path) => {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  mkdirp: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  sizeBytes: async (path) => (await stat(path)).size,
};

async function openForUpdate(path: string) {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return open(path, 'w+');
  }
}
