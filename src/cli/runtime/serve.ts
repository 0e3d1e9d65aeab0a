// serve: puts a NodeRuntime on the network — the HTTPS API (src/http) with the apps, request
// forwarding over the node channel, and POST /node/join for joiners.
import { errorResponse, toErrorResponse } from '../../http/errors.js';
import { createHttpApp, type HttpApp } from '../../http/create-http-app.js';
import { forwardedKindOf } from '../../http/forward-codec.js';
import { utf8 } from '../../crypto/encoding.js';
import { setTimer } from '../../io/system.js';
import { bytesToJson } from '../../kv/values.js';
import { NODES_INFO, type NodeInfoRecord } from '../../node/gov-tables.js';
import { admitJoiner, type JoinRequest } from '../../node/join.js';
import { loggingEndpoints } from '../../apps/logging/logging-app.js';
import type { NodeRuntime } from './node-runtime.js';
import type { Workspace } from './workspace.js';

export interface ServeOptions {
  readonly host: string;
  readonly rpcPort: number;
  readonly trustJoiners: boolean;
}

const joinSchema = {
  type: 'object',
  required: ['public_key', 'node_address', 'rpc_address'],
  additionalProperties: false,
  properties: {
    public_key: { type: 'string', maxLength: 4096 },
    node_address: { type: 'string', maxLength: 256 },
    rpc_address: { type: 'string', maxLength: 256 },
  },
} as const;

/** serve builds the HTTPS app, wires forwarding and join, and listens on host:rpcPort. */
export async function serve(runtime: NodeRuntime, workspace: Workspace, options: ServeOptions): Promise<HttpApp> {
  const rpcAddressOf = (nodeId: string): string | null => {
    const row = runtime.service.readLocal((tx) => tx.map(NODES_INFO).get(utf8(nodeId)));
    return row === undefined ? null : (bytesToJson(row) as NodeInfoRecord).rpc_address;
  };
  const app = createHttpApp(
    {
      service: runtime.service,
      forwardChannel: {
        send: (to, payload) => runtime.forward.send(to, forwardedKindOf(payload) ?? 'request', payload),
        onMessage: (handler) => runtime.forward.onMessage((from, _kind, payload) => handler(from, payload)),
      },
      setTimer,
      nodeAddress: rpcAddressOf,
    },
    {
      tls: { keyPem: workspace.node.keyPem, certPem: workspace.node.certPem },
      serviceCertPem: workspace.service.certPem,
      endpoints: loggingEndpoints(),
    },
  );
  app.post('/node/join', { schema: { body: joinSchema } }, async (request, reply) => {
    const primary = runtime.service.info().primaryId;
    if (!runtime.service.isPrimary()) {
      // Joining is a management flow: point the joiner at the primary instead of forwarding.
      const address = primary === null ? null : rpcAddressOf(primary);
      if (address === null) {
        const r = errorResponse('PrimaryNotFound', 'no primary is known; retry later');
        return reply.code(r.status).headers(r.headers).send(r.body);
      }
      return reply.code(307).header('location', `https://${address}/node/join`).send();
    }
    try {
      const notBefore = new Date();
      notBefore.setUTCHours(0, 0, 0, 0);
      const notAfter = new Date(notBefore);
      notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10);
      const response = await admitJoiner(
        runtime.service,
        {
          serviceCertPem: workspace.service.certPem,
          serviceKeyPem: workspace.service.keyPem,
          ledgerSecret: workspace.ledgerSecret,
          trustJoiners: options.trustJoiners,
        },
        request.body as JoinRequest,
        { notBefore, notAfter },
      );
      return reply.code(200).send(response);
    } catch (error) {
      const r = toErrorResponse(error);
      return reply.code(r.status).headers(r.headers).send(r.body);
    }
  });
  await app.listen({ host: options.host, port: options.rpcPort });
  return app;
}
