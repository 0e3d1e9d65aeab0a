// dispatch.ts: runs an endpoint for a validated request — locally (writes at the primary, local
// reads anywhere, linearizable reads at the primary) or by forwarding to the primary — and turns
// the outcome into an HttpResponse carrying `x-ms-ccf-transaction-id`.
import { assert } from '../ds/assert.js';
import { ConsortError } from '../ds/errors.js';
import {
  FateUnknownError,
  type NodeService,
  TransactionInvalidError,
} from '../node/node-service.js';
import { isUser } from './users.js';
import type { Tx } from '../kv/tx.js';
import type {
  Endpoint,
  EndpointContext,
  EndpointRegistry,
  EndpointRequest,
  EndpointResult,
} from './endpoint.js';
import { errorResponse, type HttpResponse, jsonContentType, toErrorResponse } from './errors.js';
import type { ForwardedRequest } from './forward-codec.js';
import type { Forwarder } from './forwarder.js';
import { formatTxId, txIdHeader } from './tx-id.js';

/** Consistency of a read-only endpoint: `?consistency=local` (default) or `linearizable`. */
export type Consistency = 'local' | 'linearizable';

/** consistencyOf reads the framework query parameter (validated by the route schema). */
export function consistencyOf(query: Readonly<Record<string, unknown>>): Consistency {
  return query.consistency === 'linearizable' ? 'linearizable' : 'local';
}

/** waitForCommitOf reads `?wait_for_commit=true` (coerced to a boolean by the route schema). */
export function waitForCommitOf(query: Readonly<Record<string, unknown>>): boolean {
  return query.wait_for_commit === true;
}

/**
 * Dispatcher executes endpoints on one node. `reportError` receives unexpected (non-ConsortError)
 * exceptions, which are bugs and answer 500 InternalError.
 */
export class Dispatcher {
  private readonly service: NodeService;
  private readonly forwarder: Forwarder | null;
  private readonly reportError: (error: unknown) => void;
  private cachedSeqno = -1;
  private cachedGeneration = -1;
  private cachedTxId: string | null = null;
  private cachedStore: object | null = null;

  constructor(deps: {
    readonly service: NodeService;
    readonly forwarder: Forwarder | null;
    readonly reportError: (error: unknown) => void;
  }) {
    this.service = deps.service;
    this.forwarder = deps.forwarder;
    this.reportError = deps.reportError;
  }

  /**
   * handle answers a request received from a client. Writes and linearizable reads go to the
   * primary: executed here if this node is primary, else forwarded (no redirects, DESIGN §8).
   */
  handle(endpoint: Endpoint, request: EndpointRequest): HttpResponse | Promise<HttpResponse> {
    const linearizable = endpoint.readonly && consistencyOf(request.query) === 'linearizable';
    // Local reads answer synchronously (no promise, no microtask): the common case for reads.
    if (endpoint.readonly && !linearizable) return this.readLocal(endpoint, request);
    if (this.forwarder === null || this.service.isPrimary()) {
      return this.execute(endpoint, request);
    }
    const primary = this.service.info().primaryId;
    if (primary === null || primary === this.service.info().nodeId) {
      return Promise.resolve(errorResponse('PrimaryNotFound', 'no primary is known; retry later'));
    }
    const forwarded: ForwardedRequest = {
      method: endpoint.method,
      path: endpoint.path,
      params: request.params,
      query: request.query,
      body: request.body,
      caller: request.caller,
    };
    return this.forwarder.forward(primary, forwarded, { write: !endpoint.readonly });
  }

  /**
   * handleForwarded answers a request a backup forwarded. The node channel authenticates the
   * backup, which authenticated the caller; we still re-check that a user_cert caller is a user
   * in our (newer or equal) state. A forwarded request is never forwarded again.
   */
  async handleForwarded(
    registry: EndpointRegistry,
    request: ForwardedRequest,
  ): Promise<HttpResponse> {
    const endpoint = registry.get(request.method, request.path);
    if (endpoint === undefined) {
      return errorResponse(
        'ResourceNotFound',
        `unknown endpoint ${request.method} ${request.path}`,
      );
    }
    if (!this.service.isPrimary()) {
      return errorResponse(
        'RequestAlreadyForwarded',
        'the request reached a node that is not primary',
      );
    }
    const caller = request.caller;
    if (
      caller.policy === 'user_cert' &&
      !this.service.readLocal((tx) => isUser(tx, caller.userId))
    ) {
      return errorResponse('InvalidAuthenticationInfo', 'Invalid authentication credentials.', {
        details: [
          {
            auth_policy: 'user_cert',
            code: 'InvalidAuthenticationInfo',
            message: 'Could not find matching user certificate',
          },
        ],
      });
    }
    return this.execute(endpoint, request);
  }

  /** execute runs `endpoint` on this node; every failure becomes an error response. */
  async execute(endpoint: Endpoint, request: EndpointRequest): Promise<HttpResponse> {
    try {
      if (!endpoint.readonly) return await this.write(endpoint, request);
      if (consistencyOf(request.query) === 'linearizable') {
        const read = await this.service.readLinearizable((tx) =>
          endpoint.handler(contextOf(request, tx)),
        );
        return resultResponse(read.result, this.txIdAt(read.seqno));
      }
    } catch (error) {
      return this.failure(error);
    }
    return this.readLocal(endpoint, request);
  }

  /** readLocal runs read-only `endpoint` on this node's latest state, synchronously. */
  private readLocal(endpoint: Endpoint, request: EndpointRequest): HttpResponse {
    try {
      const result = this.service.readLocal((tx) => endpoint.handler(contextOf(request, tx)));
      return resultResponse(result, this.txIdAt(this.service.machine.ledger.store.seqno));
    } catch (error) {
      return this.failure(error);
    }
  }

  private async write(endpoint: Endpoint, request: EndpointRequest): Promise<HttpResponse> {
    const claimsDigest = endpoint.claimsDigest?.(request) ?? null;
    const outcome = await this.service.write((tx) => endpoint.handler(contextOf(request, tx)), {
      waitForCommit: waitForCommitOf(request.query),
      claimsDigest,
    });
    const txId =
      outcome.txId === null
        ? this.txIdAt(this.service.machine.ledger.store.seqno)
        : formatTxId(outcome.txId);
    return resultResponse(outcome.result, txId);
  }

  private failure(error: unknown): HttpResponse {
    if (error instanceof FateUnknownError && error.txId !== null) {
      return toErrorResponse(error, { [txIdHeader]: formatTxId(error.txId) });
    }
    if (error instanceof TransactionInvalidError) {
      return errorResponse(
        'TransactionRolledBack',
        `${error.shortMessage}: it was not applied; retry`,
      );
    }
    if (!(error instanceof ConsortError)) this.reportError(error);
    return toErrorResponse(error);
  }

  /**
   * txIdAt names the state at `seqno` as `view.seqno` (null when its view is no longer known).
   * The last answer is cached per (seqno, store generation): reads between two writes share one
   * string, and a rollback (which may give `seqno` another view) changes the generation (a
   * snapshot install replaces the store: its identity is part of the key too).
   */
  private txIdAt(seqno: number): string | null {
    if (seqno === 0) return '0.0';
    const store = this.service.machine.ledger.store;
    const generation = store.generation;
    if (seqno === this.cachedSeqno && generation === this.cachedGeneration && store === this.cachedStore) {
      return this.cachedTxId;
    }
    const view = this.service.machine.core.viewAt(seqno);
    const txId = view === undefined ? null : formatTxId({ view, seqno });
    this.cachedSeqno = seqno;
    this.cachedGeneration = generation;
    this.cachedStore = store;
    this.cachedTxId = txId;
    return txId;
  }
}

/** contextOf is the handler's context: the request's fields and the transaction (one shape). */
function contextOf(request: EndpointRequest, tx: Tx): EndpointContext {
  return {
    params: request.params,
    query: request.query,
    body: request.body,
    caller: request.caller,
    tx,
  };
}

/** resultResponse turns a handler's result into a response (JSON body, lowercase headers). */
export function resultResponse(result: EndpointResult, txId: string | null): HttpResponse {
  const status = result.status ?? 200;
  assert(Number.isInteger(status) && status >= 200 && status <= 599, 'handler status is HTTP');
  const headers: Record<string, string> = {};
  if (result.headers !== undefined) {
    for (const name of Object.keys(result.headers)) {
      headers[name.toLowerCase()] = result.headers[name] as string;
    }
  }
  let body = '';
  if (result.body !== undefined) {
    body = JSON.stringify(result.body);
    headers['content-type'] = jsonContentType;
  }
  if (txId !== null) headers[txIdHeader] = txId;
  return { status, headers, body };
}
