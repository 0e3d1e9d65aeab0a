// Streaming reader of ledger chunk files for offline tools (`consort audit`): yields blocks of
// whole records, never more than about `blockBytes` plus one record in memory, so a ledger of any
// size is read in bounded memory. Decoding stays with the caller (ledger/log-record.ts scanRecords).
import { open, readdir } from 'node:fs/promises';
import { type ChunkFile, type LedgerListing, parseLedgerListing } from './ledger-recovery.js';

/** RecordBlock is a run of whole records from one file starting at `fileOffset`. */
export interface RecordBlock {
  readonly file: ChunkFile;
  readonly fileOffset: number;
  readonly bytes: Uint8Array;
  /** tail is set on the last block of a file that ends inside a record (torn/garbage tail). */
  readonly tail: boolean;
}

/** RECORD_BYTES_MAX bounds one record (entry + framing) before the reader grows its buffer. */
const RECORD_BYTES_MAX = 8 * 1024 * 1024 + 64 * 1024 + 8;

/** listLedgerChunks lists a directory's chunk files in seqno order (and its snapshots). */
export async function listLedgerChunks(dir: string): Promise<LedgerListing> {
  return parseLedgerListing(await readdir(dir));
}

/** fileSizes returns the size of each of `files` (for progress). */
export async function fileSizes(dir: string, files: readonly ChunkFile[]): Promise<number[]> {
  const out: number[] = [];
  for (const f of files) {
    const h = await open(`${dir}/${f.name}`, 'r');
    out.push((await h.stat()).size);
    await h.close();
  }
  return out;
}

/** readRecordBlocks yields each file's records in blocks of about `blockBytes`. */
export async function* readRecordBlocks(
  dir: string,
  files: readonly ChunkFile[],
  blockBytes = 4 * 1024 * 1024,
): AsyncGenerator<RecordBlock> {
  const buffer = new Uint8Array(blockBytes + RECORD_BYTES_MAX);
  for (const file of files) {
    const handle = await open(`${dir}/${file.name}`, 'r');
    try {
      let filled = 0;
      let fileOffset = 0;
      let eof = false;
      let want = blockBytes;
      for (;;) {
        if (!eof && filled < want) {
          const room = buffer.length - filled;
          const { bytesRead } = await handle.read(buffer, filled, room, fileOffset + filled);
          filled += bytesRead;
          if (bytesRead === 0) eof = true;
          continue;
        }
        if (filled === 0) break;
        const whole = wholeRecordBytes(buffer, filled);
        if (whole === 0 && !eof && want < buffer.length && plausible(buffer, filled)) {
          want = buffer.length; // one record larger than a block: read up to its end
          continue;
        }
        want = blockBytes;
        // No whole record: a torn or garbage tail; hand it over so the decoder reports it.
        const cut = whole === 0 ? filled : whole;
        yield { file, fileOffset, bytes: buffer.slice(0, cut), tail: whole === 0 };
        if (whole === 0) break;
        buffer.copyWithin(0, cut, filled);
        filled -= cut;
        fileOffset += cut;
      }
    } finally {
      await handle.close();
    }
  }
}

/** plausible: the first record's declared length fits in the buffer. */
function plausible(bytes: Uint8Array, filled: number): boolean {
  if (filled < 4) return true;
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return 4 + length <= bytes.length;
}

/** wholeRecordBytes is the length of the prefix of `bytes[0, filled)` made of whole records. */
function wholeRecordBytes(bytes: Uint8Array, filled: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (filled - offset >= 4) {
    const next = offset + 4 + dv.getUint32(offset, true);
    if (next > filled || next - offset > RECORD_BYTES_MAX) break;
    offset = next;
  }
  return offset;
}
