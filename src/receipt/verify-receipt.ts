// Offline receipt verification (CCF docs "Receipts" > "Receipt verification"; the same steps as
// the Azure SDK's confidential-ledger receipt verifier), with no network and no clock.
import { Certificate } from '../crypto/certificate.js';
import { verifySha256 } from '../crypto/ecdsa.js';
import { base64ToBytes, bytesEqual, bytesToHex, hexToBytes } from '../crypto/encoding.js';
import { nodeIdOf } from '../crypto/ids.js';
import { ConsortError } from '../ds/errors.js';
import { leafDigest, leafPreimage } from '../merkle/leaf.js';
import type { InclusionProofStep } from '../merkle/proof.js';
import { walkInclusionProof } from '../merkle/proof.js';
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

function toProofSteps(receipt: Receipt): InclusionProofStep[] {
  return receipt.proof.map((step) =>
    'left' in step ? { left: hexToBytes(step.left, 32) } : { right: hexToBytes(step.right, 32) },
  );
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
    const components = {
      writeSetDigest: hexToBytes(receipt.leafComponents.writeSetDigest, 32),
      commitEvidence: ce,
      claimsDigest: hexToBytes(receipt.leafComponents.claimsDigest, 32),
    };
    const walk = walkInclusionProof(leafDigest(components), toProofSteps(receipt));
    const nodeCert = this.certificate(receipt.cert);
    if (nodeCert === null) return fail('InvalidNodeCertificate', 'node certificate does not parse');
    if (!bytesEqual(this.nodeIdBytes(nodeCert), hexToBytes(receipt.nodeId, 32))) {
      return fail('NodeIdMismatch', 'nodeId is not the SHA-256 of the node public key');
    }
    const signed = walk.rootPreimage ?? leafPreimage(components);
    if (!verifySha256(nodeCert.publicKey, signed, base64ToBytes(receipt.signature))) {
      return fail('InvalidSignature', 'signature over the root does not verify with the node key');
    }
    const endorsement = this.checkEndorsement(receipt, nodeCert);
    if (endorsement !== null) return endorsement;
    if (options.checkValidityAt !== undefined) {
      const dated = this.checkDates(receipt, nodeCert, options.checkValidityAt);
      if (dated !== null) return dated;
    }
    return { ok: true, root: walk.root, rootHex: bytesToHex(walk.root), receipt };
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
    const key = [receipt.cert, ...chain].join('\u0000');
    const cached = this.endorsed.get(key);
    if (cached !== undefined) return cached;
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
