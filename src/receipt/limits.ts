// Bounds on receipt input (STYLE rule 4). They live here rather than in src/constants.ts because
// receipt/ must stay browser-safe and self-contained; each is generous for real CCF receipts.

/** receiptJsonBytesMax bounds the receipt text handed to parseReceiptJson. */
export const receiptJsonBytesMax = 256 * 1024;
/** certPemCharsMax bounds one PEM certificate (CCF node certs are under 1 KiB). */
export const certPemCharsMax = 16 * 1024;
/** proofStepsMax bounds the Merkle path: 64 levels cover any tree of safe-integer size. */
export const proofStepsMax = 64;
/** serviceEndorsementsCountMax bounds the endorsement chain (one per service identity renewal). */
export const serviceEndorsementsCountMax = 16;
/** commitEvidenceCharsMax bounds `ce:<view>.<seqno>:<64 hex>` (3 + 16 + 1 + 16 + 1 + 64). */
export const commitEvidenceCharsMax = 128;
/** signatureBase64CharsMax bounds the base64 DER signature (P-256 DER is at most 72 bytes). */
export const signatureBase64CharsMax = 256;
