// Goal: receipts built from our own tree and keys verify, exactly as the ledger will issue them.
// Method: a service cert endorsing a node cert; leaves from leaf components appended to a
// MerkleTree; the node signs rootPreimage(); buildReceipt for sampled transactions; verify with
// verifyReceipt; also a one-leaf tree (empty proof), a JSON round trip, an endorsement chain
// after a service identity change, and receipts against an earlier signed size.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Certificate } from '../crypto/certificate.js';
import { createNodeCertificate, createServiceCertificate } from '../crypto/certificate-builder.js';
import { generateKeyPair, type KeyPair, signSha256 } from '../crypto/ecdsa.js';
import { bytesToHex } from '../crypto/encoding.js';
import { nodeIdOf } from '../crypto/ids.js';
import { sha256 } from '../crypto/sha256.js';
import { type LeafComponents, leafDigest, leafPreimage } from '../merkle/leaf.js';
import { MerkleTree } from '../merkle/merkle-tree.js';
import { buildReceipt } from './build-receipt.js';
import { formatCommitEvidence } from './commit-evidence.js';
import { parseReceiptJson } from './parse-receipt.js';
import { verifyReceipt } from './verify-receipt.js';

const validity = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2034-01-01T00:00:00Z') };

function components(seqno: number): LeafComponents {
  const nonce = bytesToHex(sha256(new Uint8Array([seqno & 255, seqno >> 8, 7])));
  return {
    writeSetDigest: sha256(new Uint8Array([seqno & 255, seqno >> 8])),
    commitEvidence: formatCommitEvidence({ view: 2, seqno }, nonce),
    claimsDigest: seqno % 3 === 0 ? sha256(new Uint8Array([1])) : new Uint8Array(32),
  };
}

describe('receipts built from our own tree and keys', () => {
  let service: KeyPair;
  let serviceCert: Certificate;
  let node: KeyPair;
  let nodeCert: Certificate;
  before(async () => {
    service = generateKeyPair();
    node = generateKeyPair();
    serviceCert = await createServiceCertificate({ ...validity, subjectName: 'CN=Consort Service', privateKey: service.privateKey });
    nodeCert = await createNodeCertificate({
      ...validity,
      subjectName: 'CN=Consort Node 0',
      subjectKey: node.publicKey,
      issuerCertificate: serviceCert,
      issuerKey: service.privateKey,
    });
  });

  function issue(tree: MerkleTree, leaves: LeafComponents[], index: number, size: number, endorsements?: string[]) {
    const preimage = tree.rootPreimage(size) ?? leafPreimage(leaves[index]!);
    return buildReceipt({
      leafComponents: leaves[index]!,
      proof: tree.inclusionProof(index, size),
      signature: signSha256(node.privateKey, preimage),
      nodeCertPem: nodeCert.pem,
      nodeId: nodeIdOf(node.publicKey),
      transactionId: `2.${index + 1}`,
      ...(endorsements === undefined ? {} : { serviceEndorsements: endorsements }),
    });
  }

  it('verify for sampled transactions and sizes, yielding the tree root', () => {
    const tree = new MerkleTree();
    const leaves: LeafComponents[] = [];
    for (let seqno = 1; seqno <= 300; seqno++) {
      leaves.push(components(seqno));
      tree.append(leafDigest(leaves[seqno - 1]!));
    }
    for (const [index, size] of [[0, 300], [150, 300], [299, 300], [0, 1], [5, 6], [100, 129]] as const) {
      const receipt = issue(tree, leaves, index, size);
      const result = verifyReceipt(JSON.parse(JSON.stringify(receipt)), serviceCert.pem);
      assert.ok(result.ok, `${index}/${size}: ${JSON.stringify(result)}`);
      assert.deepEqual(result.root, tree.root(size));
      assert.deepEqual(parseReceiptJson(JSON.stringify(receipt)), receipt);
      const wrongTx = verifyReceipt({ ...receipt, transactionId: `2.${index + 2}` }, serviceCert.pem);
      assert.ok(!wrongTx.ok && wrongTx.reason.code === 'TransactionIdMismatch');
    }
  });

  it('a one-leaf tree signs the leaf preimage and has an empty proof', () => {
    const tree = new MerkleTree();
    const leaves = [components(1)];
    tree.append(leafDigest(leaves[0]!));
    const receipt = issue(tree, leaves, 0, 1);
    assert.equal(receipt.proof.length, 0);
    const result = verifyReceipt(receipt, serviceCert.pem);
    assert.ok(result.ok);
    assert.deepEqual(result.root, leafDigest(leaves[0]!));
  });

  it('verifies through serviceEndorsements after a service identity change', async () => {
    const newService = generateKeyPair();
    const newServiceCert = await createServiceCertificate({ ...validity, subjectName: 'CN=Consort Service', privateKey: newService.privateKey });
    // The new identity endorses the previous service key; the node cert was issued by the old one.
    const endorsement = await createNodeCertificate({
      ...validity,
      subjectName: 'CN=Consort Service',
      subjectKey: service.publicKey,
      issuerCertificate: newServiceCert,
      issuerKey: newService.privateKey,
    });
    const tree = new MerkleTree();
    const leaves = [components(1), components(2), components(3)];
    for (const l of leaves) tree.append(leafDigest(l));
    const chained = issue(tree, leaves, 1, 3, [endorsement.pem]);
    assert.ok(verifyReceipt(chained, newServiceCert.pem).ok);
    const direct = verifyReceipt(issue(tree, leaves, 1, 3), newServiceCert.pem);
    assert.ok(!direct.ok && direct.reason.code === 'NodeNotEndorsed');
    const reversed = verifyReceipt(issue(tree, leaves, 1, 3, [newServiceCert.pem]), serviceCert.pem);
    assert.ok(!reversed.ok && reversed.reason.code === 'NodeNotEndorsed');
  });
});
