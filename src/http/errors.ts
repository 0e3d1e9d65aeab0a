// errors.ts: the ONE catalogue of HTTP error codes (CCF's include/ccf/odata_error.h names where CCF
// has one) and the mapping from any thrown value to `{"error":{"code","message"}}` with a status.
import { ConsortError } from '../ds/errors.js';

/** ErrorSpec fixes a code's HTTP status and, for transient conditions, a Retry-After (seconds). */
export interface ErrorSpec {
  readonly status: number;
  readonly retryAfterSeconds?: number;
}

/**
 * errorCatalogue lists every code this API answers with. Codes not listed here (a ConsortError
 * from a lower layer) keep their own `httpStatus`. 4xx is the caller's fault, 5xx ours; 429/503
 * always carry Retry-After (DESIGN §8).
 */
export const errorCatalogue = {
  // Generic (CCF odata_error.h "Generic errors").
  InvalidInput: { status: 400 },
  InvalidQueryParameterValue: { status: 400 },
  InvalidFormat: { status: 400 },
  InvalidAuthenticationInfo: { status: 401 },
  AuthorizationFailed: { status: 403 },
  ResourceNotFound: { status: 404 },
  UnsupportedHttpVerb: { status: 405 },
  RequestBodyTooLarge: { status: 413 },
  LimitExceeded: { status: 413 },
  UnsupportedContentType: { status: 415 },
  RequestTimeout: { status: 408 },
  InternalError: { status: 500 },
  // CCF-specific.
  TransactionNotFound: { status: 404 },
  TransactionPendingOrUnknown: { status: 404 },
  // As CCF's historical queries and receipts: the tx id names a transaction that was rolled back.
  TransactionInvalid: { status: 404 },
  ReceiptUnavailable: { status: 404 },
  KeyNotFound: { status: 404 },
  // A conflicting write (optimistic concurrency): nothing was applied, the client may retry.
  TransactionConflict: { status: 409 },
  TooManyPendingTransactions: { status: 429, retryAfterSeconds: 1 },
  TooManyPendingForwards: { status: 429, retryAfterSeconds: 1 },
  PrimaryNotFound: { status: 503, retryAfterSeconds: 1 },
  RequestAlreadyForwarded: { status: 503, retryAfterSeconds: 1 },
  // The node is shutting down: another node can serve the request.
  NodeClosing: { status: 503, retryAfterSeconds: 1 },
  // A write waited for commit and was rolled back by an election: definitely NOT applied; safe
  // to retry (not a CCF code: CCF clients poll /node/tx themselves).
  TransactionRolledBack: { status: 503, retryAfterSeconds: 1 },
  // The write may or may not commit: check /node/tx before retrying (DESIGN pitfall 9).
  TransactionFateUnknown: { status: 504 },
  // A forwarded read got no answer in time (a read has no fate: retrying is harmless).
  ForwardingTimeout: { status: 504 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Lower-layer codes renamed to the catalogue's CCF names. */
const renamedCodes: Readonly<Record<string, ErrorCode>> = {
  NotPrimary: 'PrimaryNotFound',
};

/** ErrorDetail is one entry of CCF's optional `details` list (e.g. one per failed auth policy). */
export interface ErrorDetail {
  readonly auth_policy?: string;
  readonly code: string;
  readonly message: string;
}

/**
 * HttpError is an error the API answers with: a catalogue code (which fixes the status), a message
 * for the caller, optional CCF `details` and headers (e.g. the tx id of a fate-unknown write).
 */
export class HttpError extends ConsortError {
  override readonly name = 'HttpError';
  readonly details: readonly ErrorDetail[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    extra: {
      readonly details?: readonly ErrorDetail[];
      readonly headers?: Readonly<Record<string, string>>;
      readonly cause?: unknown;
    } = {},
  ) {
    super(code, message, { httpStatus: errorCatalogue[code].status, cause: extra.cause });
    this.details = extra.details ?? [];
    this.headers = extra.headers ?? {};
  }
}

/** HttpResponse is a complete answer: status, headers (lowercase names) and a JSON or text body. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const jsonContentType = 'application/json; charset=utf-8';

function isCatalogued(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}

/** errorResponse builds the response for catalogue `code` (status and Retry-After from it). */
export function errorResponse(
  code: ErrorCode,
  message: string,
  extra: {
    readonly details?: readonly ErrorDetail[];
    readonly headers?: Readonly<Record<string, string>>;
  } = {},
): HttpResponse {
  const spec: ErrorSpec = errorCatalogue[code];
  const headers: Record<string, string> = { 'content-type': jsonContentType, ...extra.headers };
  if (spec.retryAfterSeconds !== undefined) headers['retry-after'] = String(spec.retryAfterSeconds);
  const error =
    extra.details === undefined || extra.details.length === 0
      ? { code, message }
      : { code, message, details: extra.details };
  return { status: spec.status, headers, body: JSON.stringify({ error }) };
}

/**
 * toErrorResponse maps any thrown value to a response. HttpError and catalogued ConsortError codes
 * use the catalogue; other ConsortErrors keep their code and httpStatus; anything else is a bug
 * and answers 500 InternalError WITHOUT its message (which may hold internal details).
 */
export function toErrorResponse(
  error: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  if (error instanceof HttpError) {
    return errorResponse(error.code as ErrorCode, error.shortMessage, {
      details: error.details,
      headers: { ...headers, ...error.headers },
    });
  }
  if (error instanceof ConsortError) {
    const code = renamedCodes[error.code] ?? error.code;
    if (isCatalogued(code)) return errorResponse(code, error.shortMessage, { headers });
    const status = error.httpStatus >= 400 && error.httpStatus <= 599 ? error.httpStatus : 500;
    const body = JSON.stringify({ error: { code, message: error.shortMessage } });
    return { status, headers: { 'content-type': jsonContentType, ...headers }, body };
  }
  return errorResponse('InternalError', 'internal error', { headers });
}
