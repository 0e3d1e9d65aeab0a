// Workspace: the files a node keeps beside its ledger, with CCF sandbox names (service_cert.pem,
// member0_cert.pem / member0_privk.pem, user0_cert.pem / user0_privk.pem, ...). Private keys and the
// ledger secret are written with mode 0600. A workspace is created once and reused on restart.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createIdentityCertificate,
  createNodeCertificate,
  createServiceCertificate,
} from '../../crypto/certificate-builder.js';
import { Certificate } from '../../crypto/certificate.js';
import { generateKeyPair, PrivateKey } from '../../crypto/ecdsa.js';
import { bytesToHex, hexToBytes } from '../../crypto/encoding.js';
import { certificateId, nodeIdOf } from '../../crypto/ids.js';
import { secretBytes } from '../../io/system.js';

export interface Identity {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface Workspace {
  readonly dir: string;
  readonly ledgerDir: string;
  readonly service: Identity;
  readonly node: Identity & { readonly id: string };
  readonly ledgerSecret: Uint8Array;
  readonly members: readonly { readonly id: string; readonly certPem: string }[];
  readonly users: readonly { readonly id: string; readonly certPem: string }[];
}

const validity = (): { notBefore: Date; notAfter: Date } => {
  const notBefore = new Date();
  notBefore.setUTCHours(0, 0, 0, 0);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10);
  return { notBefore, notAfter };
};

/** writeFileAtomic writes via a temp file and rename, so a crash never leaves half a file. */
export function writeFileAtomic(path: string, text: string | Uint8Array, mode = 0o644): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, path);
}

async function newIdentity(dir: string, name: string, subject: string): Promise<Identity> {
  const keys = generateKeyPair();
  const cert = await createIdentityCertificate({ subjectName: subject, privateKey: keys.privateKey, ...validity() });
  writeFileAtomic(join(dir, `${name}_privk.pem`), keys.privateKey.toPem(), 0o600);
  writeFileAtomic(join(dir, `${name}_cert.pem`), cert.pem);
  return { certPem: cert.pem, keyPem: keys.privateKey.toPem() };
}

function read(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

/**
 * createNodeIdentity makes a node key and a certificate endorsed by the service key, and writes
 * node_cert.pem / node_privk.pem.
 */
export async function createNodeIdentity(
  dir: string,
  service: Identity,
): Promise<Identity & { readonly id: string }> {
  const keys = generateKeyPair();
  const cert = await createNodeCertificate({
    subjectName: 'CN=Consort Node',
    subjectKey: keys.publicKey,
    altNames: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] },
    issuerCertificate: Certificate.fromPem(service.certPem),
    issuerKey: PrivateKey.fromPem(service.keyPem),
    ...validity(),
  });
  writeFileAtomic(join(dir, 'node_privk.pem'), keys.privateKey.toPem(), 0o600);
  writeFileAtomic(join(dir, 'node_cert.pem'), cert.pem);
  return { certPem: cert.pem, keyPem: keys.privateKey.toPem(), id: nodeIdOf(keys.publicKey) };
}

/**
 * openServiceWorkspace loads the workspace of a founding node, creating the service identity,
 * node identity, ledger secret, member0 and user0 on first use.
 */
export async function openServiceWorkspace(
  dir: string,
  initial: { readonly memberCertPems?: readonly string[]; readonly userCertPems?: readonly string[] } = {},
): Promise<Workspace> {
  mkdirSync(dir, { recursive: true });
  const ledgerDir = join(dir, 'ledger');
  mkdirSync(ledgerDir, { recursive: true });
  let service: Identity;
  if (existsSync(join(dir, 'service_cert.pem'))) {
    service = { certPem: read(dir, 'service_cert.pem'), keyPem: read(dir, 'service_privk.pem') };
  } else {
    const keys = generateKeyPair();
    const cert = await createServiceCertificate({
      subjectName: 'CN=Consort Service',
      privateKey: keys.privateKey,
      ...validity(),
    });
    service = { certPem: cert.pem, keyPem: keys.privateKey.toPem() };
    writeFileAtomic(join(dir, 'service_privk.pem'), service.keyPem, 0o600);
    writeFileAtomic(join(dir, 'service_cert.pem'), service.certPem);
  }
  if (!existsSync(join(dir, 'ledger_secret'))) {
    writeFileAtomic(join(dir, 'ledger_secret'), bytesToHex(secretBytes(32)), 0o600);
  }
  const demo = async (name: string): Promise<string[]> =>
    existsSync(join(dir, `${name}_cert.pem`))
      ? [read(dir, `${name}_cert.pem`)]
      : [(await newIdentity(dir, name, `CN=${name}`)).certPem];
  // Certificates from the configuration replace the demo identities.
  const memberPems = initial.memberCertPems?.length ? initial.memberCertPems : await demo('member0');
  const userPems = initial.userCertPems?.length ? initial.userCertPems : await demo('user0');
  const idOf = (pem: string): { id: string; certPem: string } => ({
    id: certificateId(Certificate.fromPem(pem)),
    certPem: pem,
  });
  return {
    dir,
    ledgerDir,
    service,
    node: await openNodeIdentity(dir, service),
    ledgerSecret: hexToBytes(read(dir, 'ledger_secret').trim(), 32),
    members: memberPems.map(idOf),
    users: userPems.map(idOf),
  };
}

/** openNodeIdentity loads node_cert.pem / node_privk.pem, creating them on first use. */
export async function openNodeIdentity(
  dir: string,
  service: Identity,
): Promise<Identity & { readonly id: string }> {
  if (!existsSync(join(dir, 'node_cert.pem'))) return createNodeIdentity(dir, service);
  const keyPem = read(dir, 'node_privk.pem');
  return {
    certPem: read(dir, 'node_cert.pem'),
    keyPem,
    id: nodeIdOf(PrivateKey.fromPem(keyPem).publicKey()),
  };
}

/** openJoinedWorkspace loads the workspace of a node that joined (no members/users of its own). */
export function openJoinedWorkspace(dir: string): Workspace {
  const keyPem = read(dir, 'node_privk.pem');
  return {
    dir,
    ledgerDir: join(dir, 'ledger'),
    service: { certPem: read(dir, 'service_cert.pem'), keyPem: read(dir, 'service_privk.pem') },
    node: { certPem: read(dir, 'node_cert.pem'), keyPem, id: nodeIdOf(PrivateKey.fromPem(keyPem).publicKey()) },
    ledgerSecret: hexToBytes(read(dir, 'ledger_secret').trim(), 32),
    members: [],
    users: [],
  };
}
