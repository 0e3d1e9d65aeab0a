import { ConsortError } from '../ds/errors.js';

/** ReceiptFormatError: receipt JSON of the wrong shape; `path` names the field (`proof[2].left`). */
export class ReceiptFormatError extends ConsortError {
  override readonly name = 'ReceiptFormatError';
  readonly path: string;

  constructor(path: string, message: string, cause?: unknown) {
    super('InvalidInput', `${path}: ${message}`, { httpStatus: 400, cause });
    this.path = path;
  }
}
