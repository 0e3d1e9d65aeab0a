// pki.test-helper.ts: throw-away identities for transport tests and benchmarks: a service key and
// certificate, node certificates it endorses, and rogue ones (self-signed, or endorsed by another
// service). Validity: one hour ago to one day ahead.
import {
  createIdentityCertificate,
  createNodeCertificate,
  createServiceCertificate,
} from '../crypto/certificate-builder.js';
import type { Certificate } from '../crypto/certificate.js';
import { generateKeyPair, type PrivateKey } from '../crypto/ecdsa.js';
import { nodeIdOf } from '../crypto/ids.js';

/** TestNodeIdentity is what createNodeTransport needs about one node. */
export interface TestNodeIdentity {
  readonly nodeId: string;
  readonly keyPem: string;
  readonly certPem: string;
}

/** TestService is a service identity that endorses node certificates. */
export interface TestService {
  readonly certPem: string;
  readonly cert: Certificate;
  readonly key: PrivateKey;
  /** endorse creates a fresh node key and a certificate endorsed by this service. */
  endorse(name?: string): Promise<TestNodeIdentity>;
}

function validity(): { notBefore: Date; notAfter: Date } {
  const nowMs = Date.now();
  return { notBefore: new Date(nowMs - 3_600_000), notAfter: new Date(nowMs + 86_400_000) };
}

/** createTestService creates a service key + self-signed service certificate. */
export async function createTestService(name = 'CN=Consort test service'): Promise<TestService> {
  const { privateKey } = generateKeyPair();
  const cert = await createServiceCertificate({ subjectName: name, privateKey, ...validity() });
  return {
    certPem: cert.pem,
    cert,
    key: privateKey,
    async endorse(nodeName = 'CN=node') {
      const pair = generateKeyPair();
      const nodeCert = await createNodeCertificate({
        subjectName: nodeName,
        subjectKey: pair.publicKey,
        issuerCertificate: cert,
        issuerKey: privateKey,
        ...validity(),
      });
      return {
        nodeId: nodeIdOf(pair.publicKey),
        keyPem: pair.privateKey.toPem(),
        certPem: nodeCert.pem,
      };
    },
  };
}

/** createSelfSignedNode creates a node identity whose certificate nobody endorsed. */
export async function createSelfSignedNode(): Promise<TestNodeIdentity> {
  const { privateKey, publicKey } = generateKeyPair();
  const cert = await createIdentityCertificate({
    subjectName: 'CN=rogue',
    privateKey,
    ...validity(),
  });
  return { nodeId: nodeIdOf(publicKey), keyPem: privateKey.toPem(), certPem: cert.pem };
}
