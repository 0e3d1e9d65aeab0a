// Goal: the crypto facade behaves as documented. Method: known SHA-256 vectors, sign/verify round
// trips with tampering, strict hex/base64 decoding, and certificates created with @peculiar/x509
// checked by node:crypto's X509Certificate (endorsement, ids, validity), plus the real ACL certs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FormatError } from '../ds/errors.js';
import { Certificate } from './certificate.js';
import {
  createIdentityCertificate,
  createNodeCertificate,
  createServiceCertificate,
} from './certificate-builder.js';
import { generateKeyPair, PrivateKey, PublicKey, signSha256, verifySha256 } from './ecdsa.js';
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes, utf8 } from './encoding.js';
import { CryptoFormatError } from './errors.js';
import { certificateId, nodeIdOf } from './ids.js';
import { sha256 } from './sha256.js';

const vectors = new URL('../../test/vectors/acl-receipts/', import.meta.url);
const validity = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2034-01-01T00:00:00Z') };

describe('encoding and sha256', () => {
  it('hashes the FIPS 180-2 "abc" vector', () => {
    assert.equal(
      bytesToHex(sha256(utf8('abc'))),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
  it('decodes hex strictly', () => {
    assert.deepEqual(hexToBytes('00ffAb'), new Uint8Array([0, 255, 0xab]));
    assert.throws(() => hexToBytes('abc'), FormatError);
    assert.throws(() => hexToBytes('zz'), (e) => e instanceof FormatError && e.offset === 0);
    assert.throws(() => hexToBytes('0g'), (e) => e instanceof FormatError && e.offset === 1);
    assert.throws(() => hexToBytes('00', 2), FormatError);
  });
  it('decodes only canonical base64', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 250]);
    assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
    assert.throws(() => base64ToBytes('AQID BA=='), FormatError);
    assert.throws(() => base64ToBytes('AQ'), FormatError);
    assert.throws(() => base64ToBytes('AR=='), FormatError); // non-zero padding bits
  });
});

describe('ecdsa', () => {
  it('signs and verifies, rejects tampering and other keys', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    const data = utf8('root preimage');
    const sig = signSha256(a.privateKey, data);
    assert.ok(verifySha256(a.publicKey, data, sig));
    assert.ok(!verifySha256(b.publicKey, data, sig));
    assert.ok(!verifySha256(a.publicKey, utf8('other'), sig));
    const flipped = sig.slice();
    flipped[10] = flipped[10]! ^ 1;
    assert.ok(!verifySha256(a.publicKey, data, flipped));
    assert.ok(!verifySha256(a.publicKey, data, new Uint8Array([0x30, 0])));
  });
  it('round-trips keys through PEM and DER', () => {
    const a = generateKeyPair();
    assert.equal(PublicKey.fromPem(a.publicKey.toPem()).toPem(), a.publicKey.toPem());
    assert.equal(PublicKey.fromDer(a.publicKey.toDer()).toPem(), a.publicKey.toPem());
    assert.equal(PrivateKey.fromPem(a.privateKey.toPem()).publicKey().toPem(), a.publicKey.toPem());
    assert.throws(() => PublicKey.fromPem('nope'), CryptoFormatError);
  });
});

describe('certificates', () => {
  it('creates a service cert that endorses a node cert', async () => {
    const service = generateKeyPair();
    const node = generateKeyPair();
    const serviceCert = await createServiceCertificate({
      ...validity,
      subjectName: 'CN=Consort Service',
      privateKey: service.privateKey,
    });
    const nodeCert = await createNodeCertificate({
      ...validity,
      subjectName: 'CN=Consort Node',
      subjectKey: node.publicKey,
      issuerCertificate: serviceCert,
      issuerKey: service.privateKey,
    });
    assert.ok(serviceCert.isCa);
    assert.ok(!nodeCert.isCa);
    assert.ok(serviceCert.isSignedBy(service.publicKey));
    assert.ok(nodeCert.isSignedBy(service.publicKey));
    assert.ok(!nodeCert.isSignedBy(node.publicKey));
    assert.equal(nodeCert.issuer, serviceCert.subject);
    assert.equal(nodeCert.publicKey.toPem(), node.publicKey.toPem());
    assert.equal(nodeIdOf(nodeCert.publicKey), bytesToHex(sha256(node.publicKey.toDer())));
    assert.ok(nodeCert.isValidAt(new Date('2030-01-01T00:00:00Z')));
    assert.ok(!nodeCert.isValidAt(new Date('2035-01-01T00:00:00Z')));
    assert.equal(Certificate.fromPem(nodeCert.pem).pem, nodeCert.pem);
  });
  it('creates self-signed member certs with ids over the DER', async () => {
    const member = generateKeyPair();
    const cert = await createIdentityCertificate({
      ...validity,
      subjectName: 'CN=member0',
      privateKey: member.privateKey,
    });
    assert.ok(cert.isSignedBy(member.publicKey));
    assert.equal(certificateId(cert), bytesToHex(sha256(cert.der)));
    assert.match(certificateId(cert), /^[0-9a-f]{64}$/);
  });
  it('parses the real ACL certs: node cert endorsed by the service, node id of its key', () => {
    const receipt = JSON.parse(readFileSync(new URL('receipt-1.json', vectors), 'utf8'));
    const service = Certificate.fromPem(readFileSync(new URL('service-cert-1.pem', vectors), 'utf8'));
    const node = Certificate.fromPem(receipt.cert);
    assert.ok(node.isSignedBy(service.publicKey));
    assert.ok(!service.isSignedBy(node.publicKey));
    assert.equal(nodeIdOf(node.publicKey), receipt.nodeId);
    assert.ok(!node.isValidAt(new Date('2024-01-01T00:00:00Z')));
  });
  it('rejects garbage certificates with a typed error', () => {
    assert.throws(() => Certificate.fromPem('garbage'), CryptoFormatError);
    assert.throws(
      () => Certificate.fromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      CryptoFormatError,
    );
    assert.throws(() => Certificate.fromDer(new Uint8Array([1, 2, 3])), CryptoFormatError);
  });
});
