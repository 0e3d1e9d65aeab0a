/**
 * assert crashes on a broken invariant (a bug in Consort), never on bad input from the world.
 * It is never caught: a node that hits one must stop rather than corrupt its ledger.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** assert throws AssertionError with `message` when `condition` is false. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(`assertion failed: ${message}`);
}

/** assertNever marks an exhaustive switch; reaching it is a bug. */
export function assertNever(value: never): never {
  throw new AssertionError(`assertion failed: unexpected value ${JSON.stringify(value)}`);
}
