// Joining a running service (DESIGN §8 `join`): the primary endorses the joiner's key with the
// service key, records it in public:ccf.gov.nodes.info and adds it as a learner; once it has caught
// up it is promoted to voter. Until governance exists, only a service started with
// --trust-joiners admits joiners (this becomes the transition_node_to_trusted governance action).
import type { NodeId } from '../consensus/types.js';
import { Certificate } from '../crypto/certificate.js';
import { createNodeCertificate } from '../crypto/certificate-builder.js';
import { PrivateKey, PublicKey } from '../crypto/ecdsa.js';
import { bytesToHex } from '../crypto/encoding.js';
import { nodeIdOf } from '../crypto/ids.js';
import { ConsortError } from '../ds/errors.js';
import { bytesToJson } from '../kv/values.js';
import { NODES_INFO, type NodeInfoRecord, readNodes, writeNodeInfo } from './gov-tables.js';
import type { NodeService } from './node-service.js';

/** JoinRequest is what a joining node sends to POST /node/join. */
export interface JoinRequest {
  readonly public_key: string;
  readonly node_address: string;
  readonly rpc_address: string;
}

/** JoinResponse hands a trusted joiner its endorsed certificate and the service secrets. */
export interface JoinResponse {
  readonly node_id: NodeId;
  readonly node_cert: string;
  readonly service_cert: string;
  readonly service_key: string;
  readonly ledger_secret: string;
  readonly peers: readonly { readonly id: NodeId; readonly node_address: string; readonly rpc_address: string }[];
}

export class JoinRefusedError extends ConsortError {
  override readonly name = 'JoinRefusedError';
  constructor(message: string) {
    super('JoinRefused', message, { httpStatus: 403 });
  }
}

/** ServiceSecrets are what the primary needs to admit a joiner. */
export interface ServiceSecrets {
  readonly serviceCertPem: string;
  readonly serviceKeyPem: string;
  readonly ledgerSecret: Uint8Array;
  readonly trustJoiners: boolean;
}

/** admitJoiner runs at the primary: endorse, record, add as learner; resolves with the response. */
export async function admitJoiner(
  service: NodeService,
  secrets: ServiceSecrets,
  request: JoinRequest,
  validity: { readonly notBefore: Date; readonly notAfter: Date },
): Promise<JoinResponse> {
  if (!secrets.trustJoiners) {
    throw new JoinRefusedError('joining needs governance (start the service with --trust-joiners)');
  }
  const publicKey = PublicKey.fromPem(request.public_key);
  const nodeId = nodeIdOf(publicKey);
  const cert = await createNodeCertificate({
    subjectName: 'CN=Consort Node',
    subjectKey: publicKey,
    issuerCertificate: Certificate.fromPem(secrets.serviceCertPem),
    issuerKey: PrivateKey.fromPem(secrets.serviceKeyPem),
    altNames: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] },
    ...validity,
  });
  const info: NodeInfoRecord = {
    cert: cert.pem,
    status: 'Trusted',
    node_address: request.node_address,
    rpc_address: request.rpc_address,
  };
  await service.write((tx) => writeNodeInfo(tx, nodeId, info), { waitForCommit: true });
  const peers = [...service.readLocal((tx) => readNodes(tx))].map(([id, row]) => ({
    id,
    node_address: row.node_address,
    rpc_address: row.rpc_address,
  }));
  return {
    node_id: nodeId,
    node_cert: cert.pem,
    service_cert: secrets.serviceCertPem,
    service_key: secrets.serviceKeyPem,
    ledger_secret: bytesToHex(secrets.ledgerSecret),
    peers,
  };
}

/**
 * reconcileMembership runs on every tick at the primary: Trusted nodes missing from the
 * configuration are added as learners; learners that caught up become voters; Retired nodes are
 * removed. One configuration change at a time.
 */
export function reconcileMembership(service: NodeService, catchUpSlack: number): void {
  const machine = service.machine;
  const core = machine.core;
  if (core.role !== 'primary') return;
  const configs = core.configs();
  if (configs.length !== 1) return;
  const current = configs[0]!.config;
  const rows = service.readLocal((tx) => {
    const out: [NodeId, NodeInfoRecord][] = [];
    tx.map(NODES_INFO).forEach((value, key) => {
      out.push([new TextDecoder().decode(key), bytesToJson(value) as NodeInfoRecord]);
    });
    return out;
  });
  const voters = new Set(current.voters);
  const learners = new Set(current.learners);
  for (const [id, row] of rows) {
    if (row.status === 'Retired') {
      voters.delete(id);
      learners.delete(id);
    } else if (row.status === 'Trusted' && !voters.has(id) && !learners.has(id)) {
      learners.add(id);
      break;
    } else if (learners.has(id) && (core.matchOf(id) ?? 0) + catchUpSlack >= core.commitSeqno) {
      learners.delete(id);
      voters.add(id);
      break;
    }
  }
  const next = { voters: [...voters], learners: [...learners] };
  const same =
    next.voters.length === current.voters.length &&
    next.learners.length === current.learners.length &&
    next.voters.every((v) => current.voters.includes(v)) &&
    next.learners.every((l) => current.learners.includes(l));
  if (same || next.voters.length === 0) return;
  machine.proposeConfig(next);
}

