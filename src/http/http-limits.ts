// http-limits.ts: the HTTP layer's bounds and timeouts with their defaults (STYLE rule 4). They are
// options of createHttpApp; the request body limit itself is requestBodyBytesMax in constants.ts.
import { requestBodyBytesMax } from '../constants.js';
import { assert } from '../ds/assert.js';

/** HttpLimits are the per-app bounds; every field is spelled out at construction. */
export interface HttpLimits {
  /** requestBodyBytesMax bounds a request body (413 RequestBodyTooLarge above it). */
  readonly requestBodyBytesMax: number;
  /** forwardsInFlightCountMax bounds requests this node has forwarded and awaits (429 above it). */
  readonly forwardsInFlightCountMax: number;
  /** forwardTimeoutMs bounds the wait for a forwarded request's answer (504 after it). */
  readonly forwardTimeoutMs: number;
  /** connectionTimeoutMs closes a socket idle (no bytes either way) for that long. */
  readonly connectionTimeoutMs: number;
  /** headersTimeoutMs bounds the arrival of an HTTP/1.1 request's headers (slow-loris). */
  readonly headersTimeoutMs: number;
  /** requestTimeoutMs bounds the arrival of a whole HTTP/1.1 request (headers + body). */
  readonly requestTimeoutMs: number;
  /** keepAliveTimeoutMs closes an idle HTTP/1.1 keep-alive connection after this long. */
  readonly keepAliveTimeoutMs: number;
  /** http2SessionTimeoutMs closes an HTTP/2 session idle for that long. */
  readonly http2SessionTimeoutMs: number;
}

/**
 * httpLimitsDefault: forwardTimeoutMs exceeds NodeService's default commit wait (10 s) so that a
 * forwarded wait_for_commit write gets the primary's own verdict before the backup gives up.
 */
export const httpLimitsDefault: HttpLimits = Object.freeze({
  requestBodyBytesMax,
  forwardsInFlightCountMax: 4096,
  forwardTimeoutMs: 15_000,
  connectionTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  http2SessionTimeoutMs: 60_000,
});

/** checkHttpLimits asserts the relationships between the limits (a bad config is a bug). */
export function checkHttpLimits(limits: HttpLimits): void {
  assert(limits.requestBodyBytesMax > 0, 'requestBodyBytesMax is positive');
  assert(limits.requestBodyBytesMax <= requestBodyBytesMax, 'body limit within constants.ts');
  assert(limits.forwardsInFlightCountMax > 0, 'forwardsInFlightCountMax is positive');
  assert(limits.forwardTimeoutMs > 0, 'forwardTimeoutMs is positive');
  // Node requires headersTimeout <= requestTimeout (otherwise it rejects the server config).
  assert(
    limits.headersTimeoutMs <= limits.requestTimeoutMs,
    'headers arrive within the request time',
  );
  assert(limits.keepAliveTimeoutMs > 0 && limits.connectionTimeoutMs > 0, 'timeouts are positive');
  assert(limits.http2SessionTimeoutMs > 0, 'http2SessionTimeoutMs is positive');
}
