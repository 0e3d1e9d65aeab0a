import { ConsortError } from '../ds/errors.js';

/** TransportConfigError: the transport's identity or options are unusable (checked at creation). */
export class TransportConfigError extends ConsortError {
  override readonly name = 'TransportConfigError';

  constructor(message: string, cause?: unknown) {
    super('InvalidConfiguration', message, { httpStatus: 500, cause });
  }
}
