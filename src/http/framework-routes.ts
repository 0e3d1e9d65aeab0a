// framework-routes.ts: CCF's framework endpoints (DESIGN §8) — /node/state, /node/network,
// /node/network/nodes, /node/primary, /node/commit, /node/tx, /node/version, /node/metrics — and
// /app/receipt and /app/api. Field names follow CCF's JSON (snake_case) where CCF defines them.
import type { NodeService } from '../node/node-service.js';
import type { Endpoint, EndpointRegistry } from './endpoint.js';
import { errorResponse, type HttpResponse, jsonContentType } from './errors.js';
import type { Forwarder } from './forwarder.js';
import { type HttpCounters, prometheusContentType, renderMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { formatTxId, parseTxId, type TxIdParts } from './tx-id.js';

/** FrameworkContext is what the framework endpoints read. */
export interface FrameworkContext {
  readonly service: NodeService;
  readonly forwarder: Forwarder | null;
  readonly counters: HttpCounters;
  readonly registry: EndpointRegistry;
  readonly serviceCertPem: string;
  readonly version: string;
  /** nodeAddress is a node's published RPC address (`host:port`), or null when unknown. */
  readonly nodeAddress: (nodeId: string) => string | null;
  /** serviceStatus is the service's status (`Opening`, `Open`, `Recovering`). */
  readonly serviceStatus: () => string;
}

/** FrameworkRoute is one framework endpoint: a function of the query, answering synchronously. */
export interface FrameworkRoute {
  readonly path: string;
  readonly auth: 'user_cert' | 'no_auth';
  readonly handler: (
    context: FrameworkContext,
    query: Readonly<Record<string, unknown>>,
  ) => HttpResponse;
}

function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': jsonContentType, ...headers },
    body: JSON.stringify(body),
  };
}

/** txIdQuery reads `?transaction_id=V.S`, or returns the 400 InvalidQueryParameterValue answer. */
function txIdQuery(query: Readonly<Record<string, unknown>>): TxIdParts | HttpResponse {
  const text = query.transaction_id;
  const parsed = typeof text === 'string' ? parseTxId(text) : null;
  if (parsed !== null) return parsed;
  return errorResponse(
    'InvalidQueryParameterValue',
    `transaction_id must be <view>.<seqno>, got ${typeof text === 'string' ? `'${text}'` : 'none'}`,
  );
}

function commitTxId(service: NodeService): string {
  const core = service.machine.core;
  const seqno = core.commitSeqno;
  return formatTxId({ view: seqno === 0 ? 0 : (core.viewAt(seqno) ?? core.view), seqno });
}

function nodeState(c: FrameworkContext): HttpResponse {
  const core = c.service.machine.core;
  return json(200, {
    node_id: core.id,
    state: 'PartOfNetwork',
    last_signed_seqno: core.lastSignature().seqno,
    startup_seqno: 0,
  });
}

function network(c: FrameworkContext): HttpResponse {
  const info = c.service.info();
  return json(200, {
    service_status: c.serviceStatus(),
    service_certificate: c.serviceCertPem,
    current_view: info.view,
    primary_id: info.primaryId,
    recovery_count: 0,
    service_data: null,
    current_service_create_txid: null,
  });
}

function networkNodes(c: FrameworkContext): HttpResponse {
  const info = c.service.info();
  const describe = (nodeId: string, status: 'Trusted' | 'Pending') => {
    const address = c.nodeAddress(nodeId);
    return {
      node_id: nodeId,
      status,
      primary: nodeId === info.primaryId,
      rpc_interfaces:
        address === null ? {} : { primary_rpc_interface: { published_address: address } },
      node_data: null,
      last_written: 0,
    };
  };
  const nodes = [
    ...info.voters.map((id) => describe(id, 'Trusted')),
    ...info.learners.map((id) => describe(id, 'Pending')),
  ];
  return json(200, { nodes });
}

/**
 * primary answers 200 at the primary; elsewhere CCF redirects (308) to the primary's
 * /node/primary when it is known and reachable, else 404.
 */
function primary(c: FrameworkContext): HttpResponse {
  if (c.service.isPrimary()) return { status: 200, headers: {}, body: '' };
  const primaryId = c.service.info().primaryId;
  const address = primaryId === null ? null : c.nodeAddress(primaryId);
  if (address !== null) {
    return { status: 308, headers: { location: `https://${address}/node/primary` }, body: '' };
  }
  return errorResponse(
    'ResourceNotFound',
    'this node is not the primary, and no primary address is known',
  );
}

function txStatus(c: FrameworkContext, query: Readonly<Record<string, unknown>>): HttpResponse {
  const txId = txIdQuery(query);
  if ('status' in txId) return txId;
  return json(200, { status: c.service.status(txId), transaction_id: formatTxId(txId) });
}

function receipt(c: FrameworkContext, query: Readonly<Record<string, unknown>>): HttpResponse {
  const txId = txIdQuery(query);
  if ('status' in txId) return txId;
  const result = c.service.receipt(txId);
  if (result.ok) return json(200, result.receipt);
  switch (result.code) {
    case 'TransactionPendingOrUnknown':
      // As CCF: not committed (yet) — clients poll; caches must not keep the answer.
      return errorResponse(
        'TransactionPendingOrUnknown',
        `transaction ${formatTxId(txId)} is not committed yet`,
        {
          headers: { 'cache-control': 'no-cache' },
        },
      );
    case 'TransactionInvalid':
      return errorResponse('TransactionInvalid', `transaction ${formatTxId(txId)} was rolled back`);
    case 'TransactionNotFound':
      return errorResponse(
        'TransactionPendingOrUnknown',
        `transaction ${formatTxId(txId)} is unknown here`,
        {
          headers: { 'cache-control': 'no-cache' },
        },
      );
    default:
      return errorResponse('ReceiptUnavailable', result.message);
  }
}

/** receiptEndpointDoc documents /app/receipt in /app/api (it is served by the framework). */
const receiptEndpointDoc: Endpoint = {
  method: 'GET',
  path: '/app/receipt',
  auth: 'user_cert',
  readonly: true,
  summary: 'Receipt of a committed transaction (Merkle proof + signed root), verifiable offline.',
  schema: {
    querystring: {
      type: 'object',
      required: ['transaction_id'],
      properties: { transaction_id: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$' } },
    },
  },
  handler: () => ({}),
};

/** frameworkRoutes lists the framework's GET endpoints (HEAD is served for each as well). */
export const frameworkRoutes: readonly FrameworkRoute[] = [
  { path: '/node/state', auth: 'no_auth', handler: nodeState },
  { path: '/node/network', auth: 'no_auth', handler: network },
  { path: '/node/network/nodes', auth: 'no_auth', handler: networkNodes },
  { path: '/node/primary', auth: 'no_auth', handler: primary },
  {
    path: '/node/commit',
    auth: 'no_auth',
    handler: (c) => json(200, { transaction_id: commitTxId(c.service) }),
  },
  { path: '/node/tx', auth: 'no_auth', handler: txStatus },
  {
    path: '/node/version',
    auth: 'no_auth',
    handler: (c) =>
      json(200, { ccf_version: `consort-${c.version}`, quickjs_version: null, unsafe: false }),
  },
  {
    path: '/node/metrics',
    auth: 'no_auth',
    handler: (c) => ({
      status: 200,
      headers: { 'content-type': prometheusContentType },
      body: renderMetrics(c.service, c.forwarder, c.counters),
    }),
  },
  { path: '/app/receipt', auth: 'user_cert', handler: receipt },
  {
    path: '/app/api',
    auth: 'no_auth',
    handler: (c) =>
      json(
        200,
        openApiDocument([...c.registry.list(), receiptEndpointDoc], {
          title: 'Consort application',
          version: c.version,
        }),
      ),
  },
];
