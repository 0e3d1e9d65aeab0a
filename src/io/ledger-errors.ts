// Typed errors of the ledger files (src/io/ledger-files.ts).
import { ConsortError } from '../ds/errors.js';

/**
 * LedgerCorruptError: a ledger file that was durable and closed (a `.committed` chunk, an earlier
 * chunk, a snapshot or the hard-state file) does not decode. The node must refuse to start rather
 * than serve tampered data; `file`, `seqno` (first entry that is not intact) and `offset` (byte
 * offset in the file) say where.
 */
export class LedgerCorruptError extends ConsortError {
  override readonly name = 'LedgerCorruptError';
  readonly file: string;
  readonly seqno: number;
  readonly offset: number;

  constructor(fields: { file: string; seqno: number; offset: number; reason: string; cause?: unknown }) {
    super(
      'LedgerCorrupt',
      `${fields.file}: ${fields.reason} (seqno ${fields.seqno}, byte ${fields.offset})`,
      { httpStatus: 500, cause: fields.cause },
    );
    this.file = fields.file;
    this.seqno = fields.seqno;
    this.offset = fields.offset;
  }
}
