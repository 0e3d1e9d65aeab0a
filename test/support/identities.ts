// Test identities: one service key + self-signed service certificate and a pool of node keys with
// certificates endorsed by it. Creating X.509 certificates is async and slow-ish, so the pool is
// made once per process and shared (the simulator draws nodes from it by index).
import { createNodeCertificate, createServiceCertificate } from '../../src/crypto/certificate-builder.js';
import { generateKeyPair, type PrivateKey, signSha256 } from '../../src/crypto/ecdsa.js';
import { nodeIdOf } from '../../src/crypto/ids.js';
import type { NodeSigner } from '../../src/ledger/ledger-state.js';

export interface TestNodeIdentity {
  readonly nodeId: string;
  readonly signer: NodeSigner;
  readonly certPem: string;
  readonly privateKey: PrivateKey;
}

export interface TestService {
  readonly serviceCertPem: string;
  readonly servicePrivateKey: PrivateKey;
  readonly nodes: readonly TestNodeIdentity[];
  certOf(nodeId: string): string | null;
}

const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') };
let cached: Promise<TestService> | null = null;

async function create(nodeCount: number): Promise<TestService> {
  const serviceKeys = generateKeyPair();
  const serviceCert = await createServiceCertificate({
    subjectName: 'CN=Consort Test Service',
    privateKey: serviceKeys.privateKey,
    ...validity,
  });
  const nodes: TestNodeIdentity[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const keys = generateKeyPair();
    const nodeId = nodeIdOf(keys.publicKey);
    const cert = await createNodeCertificate({
      subjectName: `CN=Consort Test Node ${i}`,
      subjectKey: keys.publicKey,
      issuerCertificate: serviceCert,
      issuerKey: serviceKeys.privateKey,
      ...validity,
    });
    nodes.push({
      nodeId,
      certPem: cert.pem,
      privateKey: keys.privateKey,
      signer: { nodeId, sign: (preimage) => signSha256(keys.privateKey, preimage) },
    });
  }
  const byId = new Map(nodes.map((n) => [n.nodeId, n.certPem]));
  return {
    serviceCertPem: serviceCert.pem,
    servicePrivateKey: serviceKeys.privateKey,
    nodes,
    certOf: (nodeId) => byId.get(nodeId) ?? null,
  };
}

/** testService returns the process-wide test service with at least 12 node identities. */
export function testService(): Promise<TestService> {
  cached ??= create(12);
  return cached;
}
