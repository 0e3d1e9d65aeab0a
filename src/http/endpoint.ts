// endpoint.ts: what an application registers (DESIGN §9) — `{method, path, auth, readonly, schema,
// handler(ctx)}` — and the generic registry the HTTP app and the forwarding path dispatch through.
// Handlers are synchronous functions of one KV transaction, so the same handler runs at the node
// the client called or, after forwarding, at the primary.
import { assert } from '../ds/assert.js';
import type { Tx } from '../kv/tx.js';
import type { AuthPolicy, Caller } from './auth.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** JsonSchema is a JSON Schema (draft-07, as fastify's ajv) object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** EndpointSchema: fastify's route schema parts; each request part is validated before dispatch. */
export interface EndpointSchema {
  readonly body?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly params?: JsonSchema;
  /** response documents the 2xx body in /app/api (not enforced). */
  readonly response?: JsonSchema;
}

/** EndpointRequest is a validated request: the same at the receiving node and after forwarding. */
export interface EndpointRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
  readonly caller: Caller;
}

/** EndpointContext is what a handler gets: the request and its transaction (`ctx.tx`). */
export interface EndpointContext extends EndpointRequest {
  readonly tx: Tx;
}

/**
 * EndpointResult is a handler's answer: status (default 200), a JSON body (default none) and extra
 * headers. Errors are thrown (HttpError or any ConsortError); a write handler that throws proposes
 * nothing.
 */
export interface EndpointResult {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Endpoint is one application endpoint. `readonly` endpoints run on local state by default (or
 * linearizably with `?consistency=linearizable`); the others are writes, executed at the primary
 * (forwarded from a backup). `claimsDigest`, when given, computes the transaction's application
 * claims digest from the request (it goes into the Merkle leaf and the receipt).
 */
export interface Endpoint {
  readonly method: HttpMethod;
  /** path in fastify syntax (`/app/log/public`, `/chain/entry/:hash`). */
  readonly path: string;
  readonly auth: AuthPolicy;
  readonly readonly: boolean;
  readonly summary?: string;
  readonly schema?: EndpointSchema;
  readonly claimsDigest?: (request: EndpointRequest) => Uint8Array | null;
  readonly handler: (ctx: EndpointContext) => EndpointResult;
}

/** endpointKey identifies an endpoint on the wire (forwarding) and in the registry. */
export function endpointKey(method: string, path: string): string {
  return `${method} ${path}`;
}

/** EndpointRegistry holds the endpoints of the apps a node serves, in registration order. */
export class EndpointRegistry {
  private readonly byKey = new Map<string, Endpoint>();

  /** add registers `endpoint`; registering one (method, path) twice is a bug (assertion). */
  add(endpoint: Endpoint): void {
    assert(endpoint.path.startsWith('/'), 'endpoint paths are absolute');
    const key = endpointKey(endpoint.method, endpoint.path);
    assert(!this.byKey.has(key), `endpoint ${key} registered once`);
    this.byKey.set(key, endpoint);
  }

  /** addAll registers every endpoint of an app. */
  addAll(endpoints: readonly Endpoint[]): void {
    for (const endpoint of endpoints) this.add(endpoint);
  }

  /** get returns the endpoint registered for (method, path pattern), if any. */
  get(method: string, path: string): Endpoint | undefined {
    return this.byKey.get(endpointKey(method, path));
  }

  list(): readonly Endpoint[] {
    return Array.from(this.byKey.values());
  }
}
