// Certificate creation with @peculiar/x509 (DESIGN §11). node:crypto parses and verifies
// certificates but cannot create them; this is the only file that loads the library.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { assert } from '../ds/assert.js';
import { Certificate } from './certificate.js';
import type { PrivateKey, PublicKey } from './ecdsa.js';
import { bytesToHex, concatBytes, utf8 } from './encoding.js';
import { sha256 } from './sha256.js';

// Node 20's global WebCrypto (typed by lib DOM, which is what @peculiar/x509 expects).
const webcrypto: Crypto = globalThis.crypto;
const subtle = webcrypto.subtle;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** CertificateValidity is a certificate's validity window (explicit: no clock is read here). */
export interface CertificateValidity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

async function importPrivate(key: PrivateKey): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', toArrayBuffer(key.toPkcs8Der()), ECDSA_P256, false, ['sign']);
}

async function importPublic(key: PublicKey): Promise<CryptoKey> {
  return subtle.importKey('spki', toArrayBuffer(key.toDer()), ECDSA_P256, true, ['verify']);
}

/**
 * serialFor derives a positive 16-byte serial from the subject key, name and start date, so
 * certificate creation is deterministic given its inputs.
 */
function serialFor(subjectKey: PublicKey, name: string, notBefore: Date): string {
  const digest = sha256(concatBytes(subjectKey.toDer(), utf8(`${name}|${notBefore.toISOString()}`)));
  const serial = digest.slice(0, 16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and without a leading zero byte
  return bytesToHex(serial);
}

interface BuildParams extends CertificateValidity {
  readonly subjectName: string;
  readonly subjectKey: PublicKey;
  readonly issuerName: string | x509.Name;
  readonly issuerKey: PrivateKey;
  readonly issuerPublicKey: PublicKey;
  readonly isCa: boolean;
  /** Subject alternative names: host names and IP addresses a TLS client may check. */
  readonly altNames?: { readonly dns?: readonly string[]; readonly ip?: readonly string[] };
}

function altNamesExtension(names: BuildParams['altNames']): x509.Extension[] {
  if (names === undefined) return [];
  const general = [
    ...(names.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(names.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  return general.length === 0 ? [] : [new x509.SubjectAlternativeNameExtension(general, false)];
}

async function build(params: BuildParams): Promise<Certificate> {
  assert(params.notBefore.getTime() < params.notAfter.getTime(), 'notBefore < notAfter');
  const subjectCryptoKey = await importPublic(params.subjectKey);
  const issuerCryptoKey = await importPublic(params.issuerPublicKey);
  const usages = params.isCa
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature
    : x509.KeyUsageFlags.digitalSignature;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialFor(params.subjectKey, params.subjectName, params.notBefore),
      subject: params.subjectName,
      issuer: params.issuerName,
      notBefore: params.notBefore,
      notAfter: params.notAfter,
      signingAlgorithm: SIGNING,
      publicKey: subjectCryptoKey,
      signingKey: await importPrivate(params.issuerKey),
      extensions: [
        new x509.BasicConstraintsExtension(params.isCa, undefined, true),
        new x509.KeyUsagesExtension(usages, true),
        await x509.SubjectKeyIdentifierExtension.create(subjectCryptoKey, false, webcrypto),
        await x509.AuthorityKeyIdentifierExtension.create(issuerCryptoKey, false, webcrypto),
        ...altNamesExtension(params.altNames),
      ],
    },
    webcrypto,
  );
  return Certificate.fromDer(new Uint8Array(cert.rawData));
}

/** SelfSignedParams names a self-signed certificate's subject and key. */
export interface SelfSignedParams extends CertificateValidity {
  readonly subjectName: string;
  readonly privateKey: PrivateKey;
}

/**
 * createServiceCertificate creates the self-signed service identity certificate (a CA: it endorses
 * node certificates). `subjectName` is an X.500 name such as `CN=CCF Network`.
 */
export async function createServiceCertificate(params: SelfSignedParams): Promise<Certificate> {
  return selfSigned(params, true);
}

/** createIdentityCertificate creates a self-signed member or user certificate (not a CA). */
export async function createIdentityCertificate(params: SelfSignedParams): Promise<Certificate> {
  return selfSigned(params, false);
}

function selfSigned(params: SelfSignedParams, isCa: boolean): Promise<Certificate> {
  const publicKey = params.privateKey.publicKey();
  return build({
    ...params,
    subjectKey: publicKey,
    issuerName: params.subjectName,
    issuerKey: params.privateKey,
    issuerPublicKey: publicKey,
    isCa,
  });
}

/** EndorsedParams describe a certificate signed by an issuer (the service) for a subject key. */
export interface EndorsedParams extends CertificateValidity {
  readonly subjectName: string;
  readonly subjectKey: PublicKey;
  readonly issuerCertificate: Certificate;
  readonly issuerKey: PrivateKey;
  /** Names the node's HTTPS and node-to-node listeners answer to (SAN extension). */
  readonly altNames?: { readonly dns?: readonly string[]; readonly ip?: readonly string[] };
}

/** createNodeCertificate creates a node certificate endorsed (signed) by the service key. */
export async function createNodeCertificate(params: EndorsedParams): Promise<Certificate> {
  return build({
    ...params,
    // The issuer name is copied as parsed DER, so it matches the service subject byte for byte.
    issuerName: new x509.X509Certificate(toArrayBuffer(params.issuerCertificate.der)).subjectName,
    issuerPublicKey: params.issuerCertificate.publicKey,
    isCa: false,
  });
}
