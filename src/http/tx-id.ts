// tx-id.ts: the text form of a transaction id, `<view>.<seqno>` (DESIGN §1), as it appears in the
// `x-ms-ccf-transaction-id` header and in `?transaction_id=` query parameters.

/** TxIdParts is a transaction id (structurally the same as consensus' TxId). */
export interface TxIdParts {
  readonly view: number;
  readonly seqno: number;
}

/** txIdHeader is the response header carrying a transaction id (CCF's name). */
export const txIdHeader = 'x-ms-ccf-transaction-id';

/** formatTxId renders `view.seqno`. */
export function formatTxId(txId: TxIdParts): string {
  return `${txId.view}.${txId.seqno}`;
}

const txIdPattern = /^(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,15})$/;

/** parseTxId parses `view.seqno` (decimal, no signs or leading zeros); null when malformed. */
export function parseTxId(text: string): TxIdParts | null {
  const match = txIdPattern.exec(text);
  if (match === null) return null;
  const view = Number(match[1]);
  const seqno = Number(match[2]);
  if (!Number.isSafeInteger(view) || !Number.isSafeInteger(seqno)) return null;
  return { view, seqno };
}
