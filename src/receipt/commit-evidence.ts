// Commit evidence `ce:<view>.<seqno>:<64 hex>` and transaction ids `<view>.<seqno>` (DESIGN §1, §5).

/** TxId is a parsed transaction id. */
export interface TxId {
  readonly view: number;
  readonly seqno: number;
}

const NUMBER = '(0|[1-9][0-9]{0,15})';
const TX_ID_PATTERN = new RegExp(`^${NUMBER}\\.${NUMBER}$`);
const COMMIT_EVIDENCE_PATTERN = new RegExp(`^ce:${NUMBER}\\.${NUMBER}:[0-9a-f]{64}$`);

function toTxId(view: string | undefined, seqno: string | undefined): TxId | null {
  const v = Number(view);
  const s = Number(seqno);
  return Number.isSafeInteger(v) && Number.isSafeInteger(s) ? { view: v, seqno: s } : null;
}

/** parseTxId parses canonical `<view>.<seqno>` (no leading zeros); null when malformed. */
export function parseTxId(text: string): TxId | null {
  const match = TX_ID_PATTERN.exec(text);
  return match === null ? null : toTxId(match[1], match[2]);
}

/** parseCommitEvidence returns the tx id inside canonical commit evidence; null when malformed. */
export function parseCommitEvidence(text: string): TxId | null {
  const match = COMMIT_EVIDENCE_PATTERN.exec(text);
  return match === null ? null : toTxId(match[1], match[2]);
}

/** formatCommitEvidence builds `ce:<view>.<seqno>:<nonceHex>` (nonce: 32 bytes, lowercase hex). */
export function formatCommitEvidence(txId: TxId, nonceHex: string): string {
  return `ce:${txId.view}.${txId.seqno}:${nonceHex}`;
}
