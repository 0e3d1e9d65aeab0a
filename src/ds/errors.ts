/**
 * ConsortError is the base of every typed error Consort raises for bad input from the world
 * (network, disk, HTTP, configuration). `code` is a stable PascalCase name (CCF's odata codes where
 * one exists) and `httpStatus` the status an HTTP layer answers with.
 */
export class ConsortError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly shortMessage: string;

  constructor(code: string, shortMessage: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = options.httpStatus ?? 500;
    this.shortMessage = shortMessage;
  }
}

/** FormatError: bytes that do not decode; `offset` is where decoding stopped. */
export class FormatError extends ConsortError {
  override readonly name = 'FormatError';
  readonly offset: number;

  constructor(message: string, offset: number, cause?: unknown) {
    super('InvalidFormat', `${message} (at byte ${offset})`, { httpStatus: 400, cause });
    this.offset = offset;
  }
}

/** LimitExceededError: a bound from src/constants.ts was hit. */
export class LimitExceededError extends ConsortError {
  override readonly name = 'LimitExceededError';
  readonly limitName: string;
  readonly limit: number;
  readonly actual: number;

  constructor(fields: { limitName: string; limit: number; actual: number; httpStatus?: number }) {
    super('LimitExceeded', `${fields.limitName} is ${fields.limit}, got ${fields.actual}`, {
      httpStatus: fields.httpStatus ?? 413,
    });
    this.limitName = fields.limitName;
    this.limit = fields.limit;
    this.actual = fields.actual;
  }
}
