// Receipt construction for the node layer: it holds the leaf components of a committed
// transaction, the tree (for the path) and the signature transaction (signature, node cert).
import { assert } from '../ds/assert.js';
import { bytesToBase64, bytesToHex } from '../crypto/encoding.js';
import type { LeafComponents } from '../merkle/leaf.js';
import type { InclusionProofStep } from '../merkle/proof.js';
import type { Receipt } from './receipt.js';

/** BuildReceiptParams are the parts of a receipt, as the ledger holds them. */
export interface BuildReceiptParams {
  readonly leafComponents: LeafComponents;
  /** proof is the inclusion path in the tree the signature covers, leaf upwards. */
  readonly proof: readonly InclusionProofStep[];
  /** signature is the DER ECDSA signature over that tree's root. */
  readonly signature: Uint8Array;
  readonly nodeCertPem: string;
  readonly nodeId: string;
  readonly serviceEndorsements?: readonly string[];
  readonly transactionId?: string;
}

/** buildReceipt assembles the JSON receipt (hex digests, base64 signature) from its parts. */
export function buildReceipt(params: BuildReceiptParams): Receipt {
  assert(params.signature.length > 0, 'buildReceipt: signature present');
  assert(/^[0-9a-f]{64}$/.test(params.nodeId), 'buildReceipt: nodeId is 64 lowercase hex');
  const receipt: Receipt = {
    cert: params.nodeCertPem,
    leafComponents: {
      claimsDigest: bytesToHex(params.leafComponents.claimsDigest),
      commitEvidence: params.leafComponents.commitEvidence,
      writeSetDigest: bytesToHex(params.leafComponents.writeSetDigest),
    },
    nodeId: params.nodeId,
    proof: params.proof.map((step) =>
      'left' in step ? { left: bytesToHex(step.left) } : { right: bytesToHex(step.right) },
    ),
    signature: bytesToBase64(params.signature),
    serviceEndorsements: params.serviceEndorsements ?? [],
  };
  return params.transactionId === undefined ? receipt : { ...receipt, transactionId: params.transactionId };
}
