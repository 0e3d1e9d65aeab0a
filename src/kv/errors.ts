// errors.ts: typed errors of the KV store (bad input or lost races, never bugs).
import { ConsortError } from '../ds/errors.js';

/**
 * ConflictError: a transaction read something that changed before it committed (optimistic
 * concurrency control), or it spans a rollback/restore of the store. The caller may re-execute.
 */
export class ConflictError extends ConsortError {
  override readonly name = 'ConflictError';
  readonly mapName: string;

  constructor(mapName: string, reason: string) {
    super('TransactionConflict', `conflict on map '${mapName}': ${reason}`, { httpStatus: 409 });
    this.mapName = mapName;
  }
}

/** InvalidMapNameError: an empty map name or one holding a lone surrogate (not UTF-8 encodable). */
export class InvalidMapNameError extends ConsortError {
  override readonly name = 'InvalidMapNameError';

  constructor(reason: string) {
    super('InvalidInput', `invalid map name: ${reason}`, { httpStatus: 400 });
  }
}
