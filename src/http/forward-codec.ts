// forward-codec.ts: forwarded requests and responses between nodes (DESIGN §8, no redirects), the
// opaque payload of ForwardChannel messages (frame kinds forwardedRequest/forwardedResponse).
//
//   message  = [u8 version=1][u8 kind: 1 request | 2 response][varint id] then
//   request  = [string method][string path pattern][string params JSON][string query JSON]
//              [string body JSON, "" when none][u8 caller policy: 0 no_auth | 1 user_cert]
//              [string user id, only for user_cert]
//   response = [u16 status][varint header count][(string name, string value)*][string body]
//
// Strings are varint-length-prefixed UTF-8. The decoder is total: FormatError(offset) for anything
// malformed, including JSON parts of the wrong shape.
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { utf8ToBytes } from '../codec/utf8.js';
import { frameBytesMax, requestBodyBytesMax } from '../constants.js';
import { assert } from '../ds/assert.js';
import { FormatError, LimitExceededError } from '../ds/errors.js';
import type { Caller } from './auth.js';
import type { HttpMethod } from './endpoint.js';
import type { HttpResponse } from './errors.js';

export const forwardFormatVersion = 1;

/** Per-field bounds of the forwarding format (checked when encoding AND decoding). */
export const forwardLimits = Object.freeze({
  methodBytesMax: 16,
  pathBytesMax: 2048,
  paramsBytesMax: 64 * 1024,
  queryBytesMax: 64 * 1024,
  // The body is forwarded as JSON.stringify of the parsed body, which can be longer than what the
  // client sent: `1e20` (4 bytes) prints as 21 digits, so a body of numbers grows by at most
  // (21 + 1) / (4 + 1) = 4.4×. Escapes only shrink (`\u00e9` → `é`) or keep their length.
  bodyBytesMax: 5 * requestBodyBytesMax,
  userIdBytesMax: 128,
  headerCountMax: 64,
  headerNameBytesMax: 256,
  headerValueBytesMax: 8 * 1024,
  responseBodyBytesMax: 32 * 1024 * 1024,
});

// A forwarded message must fit in one node-to-node frame.
assert(
  forwardLimits.bodyBytesMax + forwardLimits.paramsBytesMax + forwardLimits.queryBytesMax + 4096 <
    frameBytesMax,
  'a maximal forwarded request fits in a frame',
);
assert(
  forwardLimits.responseBodyBytesMax + 1024 * 1024 < frameBytesMax,
  'a response fits in a frame',
);

/** ForwardedRequest is a validated request forwarded to the primary with its caller's identity. */
export interface ForwardedRequest {
  readonly method: HttpMethod;
  /** path is the endpoint's registered path pattern (its registry key with `method`). */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** body is the parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
  readonly caller: Caller;
}

export type ForwardedMessage =
  | { readonly kind: 'request'; readonly id: number; readonly request: ForwardedRequest }
  | { readonly kind: 'response'; readonly id: number; readonly response: HttpResponse };

const kindRequest = 1;
const kindResponse = 2;
const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

function checkedString(w: ByteWriter, text: string, bytesMax: number, limitName: string): void {
  const bytes = utf8ToBytes(text);
  if (bytes.length > bytesMax)
    throw new LimitExceededError({ limitName, limit: bytesMax, actual: bytes.length });
  w.bytes(bytes);
}

/**
 * encodeForwarded encodes one message. Throws LimitExceededError when a field is above its
 * forwardLimits bound (the caller answers 413/500 instead of forwarding).
 */
export function encodeForwarded(message: ForwardedMessage): Uint8Array {
  assert(Number.isSafeInteger(message.id) && message.id >= 0, 'forward id is a counter');
  const w = new ByteWriter(256);
  w.u8(forwardFormatVersion);
  w.u8(message.kind === 'request' ? kindRequest : kindResponse);
  w.varint(message.id);
  if (message.kind === 'request') encodeRequest(w, message.request);
  else encodeResponse(w, message.response);
  return w.finish().slice();
}

function encodeRequest(w: ByteWriter, r: ForwardedRequest): void {
  const L = forwardLimits;
  checkedString(w, r.method, L.methodBytesMax, 'forward.methodBytesMax');
  checkedString(w, r.path, L.pathBytesMax, 'forward.pathBytesMax');
  checkedString(w, JSON.stringify(r.params), L.paramsBytesMax, 'forward.paramsBytesMax');
  checkedString(w, JSON.stringify(r.query), L.queryBytesMax, 'forward.queryBytesMax');
  const body = r.body === undefined ? '' : JSON.stringify(r.body);
  checkedString(w, body, L.bodyBytesMax, 'forward.bodyBytesMax');
  if (r.caller.policy === 'no_auth') {
    w.u8(0);
  } else {
    w.u8(1);
    checkedString(w, r.caller.userId, L.userIdBytesMax, 'forward.userIdBytesMax');
  }
}

function encodeResponse(w: ByteWriter, r: HttpResponse): void {
  const L = forwardLimits;
  assert(Number.isInteger(r.status) && r.status >= 100 && r.status <= 599, 'status is HTTP');
  w.u16(r.status);
  const headers = Object.entries(r.headers);
  if (headers.length > L.headerCountMax) {
    throw new LimitExceededError({
      limitName: 'forward.headerCountMax',
      limit: L.headerCountMax,
      actual: headers.length,
    });
  }
  w.varint(headers.length);
  for (const [name, value] of headers) {
    checkedString(w, name, L.headerNameBytesMax, 'forward.headerNameBytesMax');
    checkedString(w, value, L.headerValueBytesMax, 'forward.headerValueBytesMax');
  }
  checkedString(w, r.body, L.responseBodyBytesMax, 'forward.responseBodyBytesMax');
}

/**
 * forwardedKindOf peeks at an encoded message's kind without decoding it, so the runtime can pick
 * the frame kind (forwardedRequest / forwardedResponse); null when the header is not ours.
 */
export function forwardedKindOf(payload: Uint8Array): 'request' | 'response' | null {
  if (payload.length < 2 || payload[0] !== forwardFormatVersion) return null;
  if (payload[1] === kindRequest) return 'request';
  return payload[1] === kindResponse ? 'response' : null;
}

/** decodeForwarded decodes one message; throws FormatError(offset) for any malformed input. */
export function decodeForwarded(bytes: Uint8Array): ForwardedMessage {
  const r = new ByteReader(bytes);
  const version = r.u8('forward version');
  if (version !== forwardFormatVersion)
    throw new FormatError(`unknown forward version ${version}`, 0);
  const kind = r.u8('forward kind');
  const id = r.varint('forward id');
  let message: ForwardedMessage;
  if (kind === kindRequest) message = { kind: 'request', id, request: decodeRequest(r) };
  else if (kind === kindResponse) message = { kind: 'response', id, response: decodeResponse(r) };
  else throw new FormatError(`unknown forward kind ${kind}`, 1);
  r.expectEnd('forwarded message');
  return message;
}

function jsonField(r: ByteReader, bytesMax: number, what: string): unknown {
  const at = r.offset;
  const text = r.string(bytesMax, what);
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FormatError(`${what}: invalid JSON`, at, cause);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeRequest(r: ByteReader): ForwardedRequest {
  const L = forwardLimits;
  const methodAt = r.offset;
  const method = r.string(L.methodBytesMax, 'forward method');
  const known = methods.find((m) => m === method);
  if (known === undefined) throw new FormatError(`unknown method ${method}`, methodAt);
  const path = r.string(L.pathBytesMax, 'forward path');
  if (!path.startsWith('/')) throw new FormatError('forward path is not absolute', methodAt);
  const paramsAt = r.offset;
  const params = jsonField(r, L.paramsBytesMax, 'forward params');
  if (!isPlainObject(params) || !Object.values(params).every((v) => typeof v === 'string')) {
    throw new FormatError('forward params: not an object of strings', paramsAt);
  }
  const queryAt = r.offset;
  const query = jsonField(r, L.queryBytesMax, 'forward query');
  if (!isPlainObject(query)) throw new FormatError('forward query: not an object', queryAt);
  const body = jsonField(r, L.bodyBytesMax, 'forward body');
  const policyAt = r.offset;
  const policy = r.u8('forward caller policy');
  let caller: Caller;
  if (policy === 0) caller = { policy: 'no_auth' };
  else if (policy === 1)
    caller = { policy: 'user_cert', userId: r.string(L.userIdBytesMax, 'forward user id') };
  else throw new FormatError(`unknown caller policy ${policy}`, policyAt);
  return { method: known, path, params: params as Record<string, string>, query, body, caller };
}

function decodeResponse(r: ByteReader): HttpResponse {
  const L = forwardLimits;
  const statusAt = r.offset;
  const status = r.u16('forward status');
  if (status < 100 || status > 599) throw new FormatError(`status ${status} is not HTTP`, statusAt);
  const count = r.count(L.headerCountMax, 2, 'forward headers');
  const headers: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const nameAt = r.offset;
    const name = r.string(L.headerNameBytesMax, 'forward header name');
    if (!/^[a-z0-9-]+$/.test(name)) throw new FormatError('bad header name', nameAt);
    const valueAt = r.offset;
    const value = r.string(L.headerValueBytesMax, 'forward header value');
    // Header values reach setHeader: no CR/LF or other control characters (header injection).
    if (!/^[\t\x20-\x7e]*$/.test(value)) throw new FormatError('bad header value', valueAt);
    headers[name] = value;
  }
  const body = r.string(L.responseBodyBytesMax, 'forward response body');
  return { status, headers, body };
}
