// Offline receipt verification (CCF docs "Receipts" > "Receipt verification"; the same steps as
// the Azure SDK's confidential-ledger receipt verifier), with no network and no clock.
import { Certificate } from '../crypto/certificate.js';
import { verifySha256 } from '../crypto/ecdsa.js';
import { base64ToBytes, bytesEqual, bytesToHex, hexInto, hexToBytes } from '../crypto/encoding.js';
import { nodeIdOf } from '../crypto/ids.js';
import { sha256, sha256Into, sha256Utf8Into } from '../crypto/sha256.js';
import { ConsortError } from '../ds/errors.js';
import { parseCommitEvidence, parseTxId } from './commit-evidence.js';
import { parseReceipt } from './parse-receipt.js';
import type { Receipt } from './receipt.js';

/** ReceiptFailureCode says which check failed. */
export type ReceiptFailureCode =
  | 'MalformedReceipt'
  | 'InvalidCommitEvidence'
  | 'TransactionIdMismatch'
  | 'InvalidNodeCertificate'
  | 'NodeIdMismatch'
  | 'InvalidSignature'
  | 'InvalidEndorsementCertificate'
  | 'NodeNotEndorsed'
  | 'InvalidServiceCertificate'
  | 'CertificateNotValidAt';

/** ReceiptVerification is the outcome: the verified root, or the first failed check. */
export type ReceiptVerification =
  | { readonly ok: true; readonly root: Uint8Array; readonly rootHex: string; readonly receipt: Receipt }
  | { readonly ok: false; readonly reason: { readonly code: ReceiptFailureCode; readonly message: string } };

/** VerifyReceiptOptions: dates are checked only when `checkValidityAt` is given. */
export interface VerifyReceiptOptions {
  readonly checkValidityAt?: Date;
}

const CACHE_ENTRIES_MAX = 256;

function fail(code: ReceiptFailureCode, message: string): ReceiptVerification {
  return { ok: false, reason: { code, message } };
}

// Scratch buffers of one verification (synchronous, so one set per module suffices): the walk
// decodes each sibling straight into the 64-byte pair it hashes, with no per-step allocation.
const leafScratch = new Uint8Array(96);
const pairScratch = new Uint8Array(64);
const nodeIdScratch = new Uint8Array(32);


/**
 * walkReceipt computes leaf = SHA-256(writeSetDigest ‖ SHA-256(ce) ‖ claimsDigest), folds the
 * proof onto it ({left: h} → SHA-256(h ‖ acc), {right: h} → SHA-256(acc ‖ h)), and returns the
 * root's preimage (the leaf preimage for an empty path; a scratch VIEW, valid until the next
 * call). Throws FormatError on malformed hex, like hexToBytes.
 */
function walkReceipt(receipt: Receipt, ce: string): Uint8Array {
  const leaf = leafScratch;
  hexInto(receipt.leafComponents.writeSetDigest, 32, leaf, 0);
  sha256Utf8Into(ce, leaf, 32);
  hexInto(receipt.leafComponents.claimsDigest, 32, leaf, 64);
  const proof = receipt.proof;
  if (proof.length === 0) return leaf;
  const pair = pairScratch;
  let input = leaf;
  for (const step of proof) {
    // Hash the previous level into its side of the pair, then decode the sibling into the other.
    if ('left' in step) {
      sha256Into(input, pair, 32);
      hexInto(step.left, 32, pair, 0);
    } else {
      sha256Into(input, pair, 0);
      hexInto(step.right, 32, pair, 32);
    }
    input = pair;
  }
  return pair;
}

/**
 * verified is the success result; `rootHex` is computed on first read (the signature check does
 * not need it, and most callers never read it).
 */
function verified(root: Uint8Array, receipt: Receipt): ReceiptVerification {
  let hex: string | null = null;
  return {
    ok: true,
    root,
    get rootHex(): string {
      hex ??= bytesToHex(root);
      return hex;
    },
    receipt,
  };
}

/**
 * ReceiptVerifier checks receipts against one service certificate. It caches parsed certificates
 * and endorsement results keyed by the exact PEM text (bounded), so a batch of receipts signed by
 * the same node costs about one ECDSA verification each.
 */
export class ReceiptVerifier {
  private readonly service: Certificate;
  private readonly certs = new Map<string, Certificate | null>();
  private readonly nodeIds = new Map<Certificate, Uint8Array>();
  private readonly endorsed = new Map<string, ReceiptVerification | null>();
  private lastPem: string | null = null;
  private lastCert: Certificate | null = null;
  private lastEndorsementKey: string | null = null;
  private lastEndorsement: ReceiptVerification | null = null;

  /** The constructor throws CryptoFormatError when the service certificate does not parse. */
  constructor(serviceCertPem: string) {
    this.service = Certificate.fromPem(serviceCertPem);
  }

  /** verify parses and checks `value` (unknown JSON); never throws for bad input. */
  verify(value: unknown, options: VerifyReceiptOptions = {}): ReceiptVerification {
    let receipt: Receipt;
    try {
      receipt = parseReceipt(value);
    } catch (error) {
      if (error instanceof ConsortError) return fail('MalformedReceipt', error.message);
      throw error;
    }
    return this.verifyParsed(receipt, options);
  }

  /** verifyParsed checks a receipt that parseReceipt accepted. */
  verifyParsed(receipt: Receipt, options: VerifyReceiptOptions = {}): ReceiptVerification {
    const ce = receipt.leafComponents.commitEvidence;
    const ceTxId = parseCommitEvidence(ce);
    if (ceTxId === null) return fail('InvalidCommitEvidence', 'expected ce:<view>.<seqno>:<64 hex>');
    if (receipt.transactionId !== undefined) {
      const txId = parseTxId(receipt.transactionId);
      if (txId === null || txId.view !== ceTxId.view || txId.seqno !== ceTxId.seqno) {
        return fail('TransactionIdMismatch', `commit evidence is for ${ceTxId.view}.${ceTxId.seqno}`);
      }
    }
    const signed = walkReceipt(receipt, ce);
    const nodeCert = this.certificate(receipt.cert);
    if (nodeCert === null) return fail('InvalidNodeCertificate', 'node certificate does not parse');
    hexInto(receipt.nodeId, 32, nodeIdScratch, 0);
    if (!bytesEqual(this.nodeIdBytes(nodeCert), nodeIdScratch)) {
      return fail('NodeIdMismatch', 'nodeId is not the SHA-256 of the node public key');
    }
    if (!verifySha256(nodeCert.publicKey, signed, base64ToBytes(receipt.signature))) {
      return fail('InvalidSignature', 'signature over the root does not verify with the node key');
    }
    const endorsement = this.checkEndorsement(receipt, nodeCert);
    if (endorsement !== null) return endorsement;
    if (options.checkValidityAt !== undefined) {
      const dated = this.checkDates(receipt, nodeCert, options.checkValidityAt);
      if (dated !== null) return dated;
    }
    return verified(sha256(signed), receipt);
  }

  private nodeIdBytes(cert: Certificate): Uint8Array {
    let id = this.nodeIds.get(cert);
    if (id === undefined) {
      id = hexToBytes(nodeIdOf(cert.publicKey));
      if (this.nodeIds.size >= CACHE_ENTRIES_MAX) this.nodeIds.clear();
      this.nodeIds.set(cert, id);
    }
    return id;
  }

  private certificate(pem: string): Certificate | null {
    // Receipts of one batch repeat the same PEM in distinct strings: comparing with the last one
    // is a memcmp, where a map lookup would hash the whole (fresh) string first.
    if (pem === this.lastPem) return this.lastCert;
    const cert = this.lookupCertificate(pem);
    this.lastPem = pem;
    this.lastCert = cert;
    return cert;
  }

  private lookupCertificate(pem: string): Certificate | null {
    const cached = this.certs.get(pem);
    if (cached !== undefined) return cached;
    let cert: Certificate | null;
    try {
      cert = Certificate.fromPem(pem);
    } catch (error) {
      if (!(error instanceof ConsortError)) throw error;
      cert = null;
    }
    if (this.certs.size >= CACHE_ENTRIES_MAX) this.certs.clear();
    this.certs.set(pem, cert);
    return cert;
  }

  /**
   * checkEndorsement: the node cert is signed by endorsements[0], each endorsement by the next,
   * and the last (or the node cert itself when there are none) by the service key. Null = ok.
   */
  private checkEndorsement(receipt: Receipt, nodeCert: Certificate): ReceiptVerification | null {
    const chain = receipt.serviceEndorsements ?? [];
    const key = chain.length === 0 ? receipt.cert : [receipt.cert, ...chain].join('\u0000');
    if (key === this.lastEndorsementKey) return this.lastEndorsement;
    const cached = this.endorsed.get(key);
    if (cached !== undefined) {
      this.lastEndorsementKey = key;
      this.lastEndorsement = cached;
      return cached;
    }
    let result: ReceiptVerification | null = null;
    let current = nodeCert;
    for (let i = 0; i < chain.length && result === null; i++) {
      const endorser = this.certificate(chain[i]!);
      if (endorser === null) {
        result = fail('InvalidEndorsementCertificate', `serviceEndorsements[${i}] does not parse`);
      } else if (!current.isSignedBy(endorser.publicKey)) {
        result = fail('NodeNotEndorsed', `certificate ${i} is not signed by serviceEndorsements[${i}]`);
      } else {
        current = endorser;
      }
    }
    if (result === null && !current.isSignedBy(this.service.publicKey)) {
      result = fail('NodeNotEndorsed', 'node certificate is not endorsed by the service certificate');
    }
    if (this.endorsed.size >= CACHE_ENTRIES_MAX) this.endorsed.clear();
    this.endorsed.set(key, result);
    this.lastEndorsementKey = key;
    this.lastEndorsement = result;
    return result;
  }

  private checkDates(receipt: Receipt, nodeCert: Certificate, at: Date): ReceiptVerification | null {
    const certs: Array<[string, Certificate | null]> = [
      ['node certificate', nodeCert],
      ...(receipt.serviceEndorsements ?? []).map(
        (pem, i): [string, Certificate | null] => [`serviceEndorsements[${i}]`, this.certificate(pem)],
      ),
      ['service certificate', this.service],
    ];
    for (const [name, cert] of certs) {
      if (cert !== null && !cert.isValidAt(at)) {
        return fail('CertificateNotValidAt', `${name} is not valid at ${at.toISOString()}`);
      }
    }
    return null;
  }
}

/**
 * verifyReceipt checks one receipt (unknown JSON) against a service certificate PEM:
 * leaf = SHA-256(writeSetDigest ‖ SHA-256(commitEvidence) ‖ claimsDigest), walk the proof to the
 * root, ECDSA P-256 signature over the root (as a digest) with the node cert's key, nodeId = SHA-256
 * of that key, node cert endorsed by the service (via serviceEndorsements if any), commit evidence
 * well-formed and matching transactionId. Never throws for bad input.
 */
export function verifyReceipt(
  receipt: unknown,
  serviceCertPem: string,
  options: VerifyReceiptOptions = {},
): ReceiptVerification {
  let verifier: ReceiptVerifier;
  try {
    verifier = new ReceiptVerifier(serviceCertPem);
  } catch (error) {
    if (error instanceof ConsortError) return fail('InvalidServiceCertificate', error.message);
    throw error;
  }
  return verifier.verify(receipt, options);
}
