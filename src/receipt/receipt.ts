// The receipt JSON shape, as CCF's /app/receipt and Azure Confidential Ledger return it
// (CCF docs "Receipts"; field names as in the ACL data-plane API 2022-05-13).

/** ReceiptProofStep is a Merkle path element: the sibling hash (hex) and its side. */
export type ReceiptProofStep = { readonly left: string } | { readonly right: string };

/** ReceiptLeafComponents are the leaf's parts; digests are 64 lowercase or uppercase hex chars. */
export interface ReceiptLeafComponents {
  readonly writeSetDigest: string;
  /** commitEvidence is `ce:<view>.<seqno>:<64 hex>`. */
  readonly commitEvidence: string;
  readonly claimsDigest: string;
}

/** Receipt is a parsed, shape-checked receipt (not yet verified). */
export interface Receipt {
  /** cert is the PEM certificate of the node that signed the root. */
  readonly cert: string;
  readonly leafComponents: ReceiptLeafComponents;
  /** nodeId is the hex SHA-256 of the node's public key DER. */
  readonly nodeId: string;
  /** proof is the Merkle path from the leaf upwards. */
  readonly proof: readonly ReceiptProofStep[];
  /** signature is the base64 DER ECDSA P-256 signature over the root (as a SHA-256 digest). */
  readonly signature: string;
  /** serviceEndorsements are PEM certs from the node cert's issuer up to the current service. */
  readonly serviceEndorsements?: readonly string[];
  /** transactionId is `<view>.<seqno>` when known (ACL returns it beside the receipt). */
  readonly transactionId?: string;
}
