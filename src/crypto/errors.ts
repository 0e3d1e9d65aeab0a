import { ConsortError } from '../ds/errors.js';

/** CryptoFormatError: a key, signature or certificate that does not parse. */
export class CryptoFormatError extends ConsortError {
  override readonly name = 'CryptoFormatError';

  constructor(message: string, cause?: unknown) {
    super('InvalidInput', message, { httpStatus: 400, cause });
  }
}
