// Receipt verification benchmark: receipts/s through ReceiptVerifier (cached certificates, the
// steady state of an auditor) and through one-shot verifyReceipt, against raw ECDSA P-256
// verifications/s of the same (preimage, signature) pairs measured in the same run (target: cached
// receipts >= 0.8x raw). Every receipt has its own signature (a distinct signed tree size). Prints a table
// and writes bench/results/receipt-<date>.json. Run: npm run bench:receipt.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeCertificate, createServiceCertificate } from '../src/crypto/certificate-builder.js';
import { generateKeyPair, signSha256, verifySha256 } from '../src/crypto/ecdsa.js';
import { bytesToHex } from '../src/crypto/encoding.js';
import { nodeIdOf } from '../src/crypto/ids.js';
import { sha256 } from '../src/crypto/sha256.js';
import { leafDigest } from '../src/merkle/leaf.js';
import { MerkleTree } from '../src/merkle/merkle-tree.js';
import { buildReceipt } from '../src/receipt/build-receipt.js';
import type { Receipt } from '../src/receipt/receipt.js';
import { ReceiptVerifier, verifyReceipt } from '../src/receipt/verify-receipt.js';

const RECEIPT_COUNT = 2000;
const TREE_SIZE = 100_000;
const validity = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2034-01-01T00:00:00Z') };

function perSecond(count: number, op: (i: number) => void): number {
  for (let i = 0; i < Math.min(200, count); i++) op(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i++) op(i);
  return count / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const service = generateKeyPair();
  const node = generateKeyPair();
  const serviceCert = await createServiceCertificate({ ...validity, subjectName: 'CN=Bench Service', privateKey: service.privateKey });
  const nodeCert = await createNodeCertificate({
    ...validity,
    subjectName: 'CN=Bench Node',
    subjectKey: node.publicKey,
    issuerCertificate: serviceCert,
    issuerKey: service.privateKey,
  });
  const tree = new MerkleTree();
  const components = (seqno: number) => ({
    writeSetDigest: sha256(new Uint8Array(new Uint32Array([seqno]).buffer)),
    commitEvidence: `ce:2.${seqno}:${bytesToHex(sha256(new Uint8Array(new Uint32Array([seqno, 1]).buffer)))}`,
    claimsDigest: new Uint8Array(32),
  });
  for (let seqno = 1; seqno <= TREE_SIZE; seqno++) tree.append(leafDigest(components(seqno)));
  // Each receipt comes from its own signature transaction: a distinct tree size, root and
  // signature per receipt (an auditor checking receipts from many signatures).
  const receipts: Receipt[] = [];
  const pairs: Array<{ preimage: Uint8Array; signature: Uint8Array }> = [];
  for (let i = 0; i < RECEIPT_COUNT; i++) {
    const size = TREE_SIZE - i;
    const index = (i * 7919) % (TREE_SIZE - RECEIPT_COUNT);
    const preimage = tree.rootPreimage(size)!;
    const signature = signSha256(node.privateKey, preimage);
    pairs.push({ preimage, signature });
    receipts.push(
      buildReceipt({
        leafComponents: components(index + 1),
        proof: tree.inclusionProof(index, size),
        signature,
        nodeCertPem: nodeCert.pem,
        nodeId: nodeIdOf(node.publicKey),
        transactionId: `2.${index + 1}`,
      }),
    );
  }
  if (new Set(receipts.map((r) => r.signature)).size !== RECEIPT_COUNT) throw new Error('signatures must be distinct');
  const verifier = new ReceiptVerifier(serviceCert.pem);
  // Interleave raw and receipt verifications item by item (3 rounds), timing each, so machine
  // load (other processes on a shared machine) affects both rates alike.
  for (let i = 0; i < 200; i++) verifier.verify(receipts[i]!); // warm-up
  let rawMs = 0;
  let cachedMs = 0;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < RECEIPT_COUNT; i++) {
      const t0 = performance.now();
      if (!verifySha256(node.publicKey, pairs[i]!.preimage, pairs[i]!.signature)) throw new Error('must verify');
      const t1 = performance.now();
      if (!verifier.verify(receipts[i]!).ok) throw new Error('receipt must verify');
      rawMs += t1 - t0;
      cachedMs += performance.now() - t1;
    }
  }
  const rawVerify = (3 * RECEIPT_COUNT) / (rawMs / 1000);
  const cached = (3 * RECEIPT_COUNT) / (cachedMs / 1000);
  const oneShot = perSecond(RECEIPT_COUNT / 4, (i) => {
    if (!verifyReceipt(receipts[i]!, serviceCert.pem).ok) throw new Error('receipt must verify');
  });
  const vectors = new URL('../test/vectors/acl-receipts/', import.meta.url);
  const acl = JSON.parse(readFileSync(new URL('receipt-1.json', vectors), 'utf8')) as unknown;
  const aclVerifier = new ReceiptVerifier(readFileSync(new URL('service-cert-1.pem', vectors), 'utf8'));
  const aclCached = perSecond(RECEIPT_COUNT, () => aclVerifier.verify(acl));

  const results = {
    treeSize: TREE_SIZE,
    proofSteps: receipts[0]!.proof.length,
    rawEcdsaP256VerifyPerSecond: Math.round(rawVerify),
    receiptVerifyCachedPerSecond: Math.round(cached),
    ratioCachedToRaw: Number((cached / rawVerify).toFixed(2)),
    ratioTarget: 0.8,
    receiptVerifyOneShotPerSecond: Math.round(oneShot),
    aclVectorVerifyCachedPerSecond: Math.round(aclCached),
  };
  console.table(results);
  const date = new Date().toISOString().slice(0, 10);
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const meta = { date, node: process.version, platform: `${process.platform}-${process.arch}` };
  writeFileSync(join(dir, `receipt-${date}.json`), `${JSON.stringify({ ...meta, ...results }, null, 2)}\n`);
  console.log(`wrote bench/results/receipt-${date}.json`);
}

await main();
