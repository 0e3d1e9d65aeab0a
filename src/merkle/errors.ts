import { ConsortError } from '../ds/errors.js';

/**
 * MerkleRangeError: a leaf index or tree size outside what the tree holds (beyond its size, or below
 * its compaction point). Callers may pass indices that came from the network, so this is a typed
 * error rather than an assertion.
 */
export class MerkleRangeError extends ConsortError {
  override readonly name = 'MerkleRangeError';

  constructor(message: string) {
    super('InvalidInput', message, { httpStatus: 400 });
  }
}
