// TxOutcomes: callbacks waiting for a transaction's fate. A tx id `view.seqno` is decided only when
// the commit point passes its seqno: Committed if the committed entry there has that view, else
// Invalid (CCF's TxStatus). A local rollback decides nothing — another node may still commit it.
import { assert } from '../ds/assert.js';
import type { TxId } from '../consensus/types.js';

/** TxStatus as in CCF: Unknown, Pending, Committed or Invalid. */
export type TxStatus = 'Unknown' | 'Pending' | 'Committed' | 'Invalid';

/**
 * Outcome: Committed or Invalid when decided; Unknown when this node can no longer tell (the
 * entry was replaced by a snapshot install before its fate was known here — ask /node/tx later).
 */
export type Outcome = 'Committed' | 'Invalid' | 'Unknown';

interface Waiter {
  readonly txId: TxId;
  readonly callback: (status: Outcome) => void;
}

/** TxOutcomes keeps waiters ordered by seqno; resolving is O(resolved). */
export class TxOutcomes {
  private waiters: Waiter[] = [];
  private head = 0;
  /** waitersCountMax bounds the table (each waiter is one pending client request). */
  readonly waitersCountMax: number;

  constructor(waitersCountMax = 1_000_000) {
    this.waitersCountMax = waitersCountMax;
  }

  get size(): number {
    return this.waiters.length - this.head;
  }

  /** wait registers `callback` for `txId` (seqnos must not decrease between calls... mostly). */
  wait(txId: TxId, callback: (status: Outcome) => void): void {
    assert(this.size < this.waitersCountMax, 'outcome waiters are bounded by the caller');
    const waiter = { txId, callback };
    const last = this.waiters[this.waiters.length - 1];
    if (this.size === 0 || last === undefined || last.txId.seqno <= txId.seqno) {
      this.waiters.push(waiter);
      return;
    }
    // Rare: a later view re-used lower seqnos. Insert in order.
    let i = this.waiters.length;
    while (i > this.head && this.waiters[i - 1]!.txId.seqno > txId.seqno) i--;
    this.waiters.splice(i, 0, waiter);
  }

  /** forget resolves every waiter with seqno <= `seqno` as Unknown (log replaced by a snapshot). */
  forget(seqno: number): void {
    this.committed(seqno, () => undefined);
  }

  /** committed resolves every waiter with seqno <= commitSeqno, given the committed views. */
  committed(commitSeqno: number, viewAt: (seqno: number) => number | undefined): void {
    while (this.head < this.waiters.length) {
      const w = this.waiters[this.head]!;
      if (w.txId.seqno > commitSeqno) break;
      this.head++;
      const view = viewAt(w.txId.seqno);
      w.callback(view === undefined ? 'Unknown' : view === w.txId.view ? 'Committed' : 'Invalid');
    }
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
