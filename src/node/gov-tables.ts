// Governance and service tables (DESIGN §7) the node runtime writes at genesis and on join, with
// the JSON shapes it stores. (Governance proper — proposals, ballots — comes in a later issue.)
import type { NodeId } from '../consensus/types.js';
import { utf8 } from '../crypto/encoding.js';
import type { Tx } from '../kv/tx.js';
import { bytesToJson, jsonToBytes } from '../kv/values.js';

export const SERVICE_INFO = 'public:ccf.gov.service.info';
export const MEMBERS_CERTS = 'public:ccf.gov.members.certs';
export const MEMBERS_INFO = 'public:ccf.gov.members.info';
export const USERS_CERTS = 'public:ccf.gov.users.certs';
export const NODES_INFO = 'public:ccf.gov.nodes.info';
export const CONSTITUTION = 'public:ccf.gov.constitution';
const SINGLE = utf8('0');

/** NodeInfoRecord is a row of public:ccf.gov.nodes.info. */
export interface NodeInfoRecord {
  readonly cert: string;
  readonly status: 'Pending' | 'Trusted' | 'Retired';
  /** host:port of the node-to-node (mutual TLS) listener. */
  readonly node_address: string;
  /** host:port of the HTTPS client API. */
  readonly rpc_address: string;
}

export interface GenesisInput {
  readonly serviceCertPem: string;
  readonly nodes: readonly ({ readonly id: NodeId } & NodeInfoRecord)[];
  readonly members: readonly { readonly id: string; readonly certPem: string }[];
  readonly users: readonly { readonly id: string; readonly certPem: string }[];
}

/** isGenesisDone tells whether the service tables exist already (restart of an existing ledger). */
export function isGenesisDone(tx: Tx): boolean {
  return tx.map(SERVICE_INFO).get(SINGLE) !== undefined;
}

/** writeGenesis records the service identity, initial members, users and the first node. */
export function writeGenesis(tx: Tx, input: GenesisInput): void {
  tx.map(SERVICE_INFO).set(SINGLE, jsonToBytes({ status: 'Open', cert: input.serviceCertPem }));
  for (const m of input.members) {
    tx.map(MEMBERS_CERTS).set(utf8(m.id), utf8(m.certPem));
    tx.map(MEMBERS_INFO).set(utf8(m.id), jsonToBytes({ status: 'Active' }));
  }
  for (const u of input.users) tx.map(USERS_CERTS).set(utf8(u.id), utf8(u.certPem));
  for (const node of input.nodes) {
    const { id, ...info } = node;
    writeNodeInfo(tx, id, info);
  }
  // Placeholder until governance replaces it (issue: governance): majority of active members.
  tx.map(CONSTITUTION).set(SINGLE, utf8('// default constitution placeholder: majority of members'));
}

export function writeNodeInfo(tx: Tx, id: NodeId, info: NodeInfoRecord): void {
  tx.map(NODES_INFO).set(utf8(id), jsonToBytes(info));
}

/** readNodes lists every row of public:ccf.gov.nodes.info. */
export function readNodes(tx: Tx): Map<NodeId, NodeInfoRecord> {
  const out = new Map<NodeId, NodeInfoRecord>();
  tx.map(NODES_INFO).forEach((value, key) => {
    out.set(new TextDecoder().decode(key), bytesToJson(value) as NodeInfoRecord);
  });
  return out;
}
