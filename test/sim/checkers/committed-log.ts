// CommittedLog: the global committed prefix, as chain hashes, views and kinds per seqno, extended
// incrementally from whichever node commits furthest. Once written, a seqno never changes: every
// later commit or apply anywhere must agree with it.
import type { EntryKind } from '../../../src/consensus/types.js';
import { GENESIS_HASH } from '../hash.js';

/** CommittedLog holds what the cluster has committed (holes where only snapshots carried it). */
export class CommittedLog {
  /** Highest seqno any node has committed. */
  commitSeqno = 0;
  private readonly hashes: (string | undefined)[] = [GENESIS_HASH];
  private readonly views: (number | undefined)[] = [0];
  private readonly kinds: (EntryKind | undefined)[] = ['signature'];

  hashAt(seqno: number): string | undefined {
    return this.hashes[seqno];
  }

  viewAt(seqno: number): number | undefined {
    return this.views[seqno];
  }

  kindAt(seqno: number): EntryKind | undefined {
    return this.kinds[seqno];
  }

  /** record writes seqno's facts (only if not known yet). */
  record(seqno: number, hash: string, view: number | undefined, kind: EntryKind | undefined): void {
    while (this.hashes.length <= seqno) {
      this.hashes.push(undefined);
      this.views.push(undefined);
      this.kinds.push(undefined);
    }
    if (this.hashes[seqno] !== undefined) return;
    this.hashes[seqno] = hash;
    this.views[seqno] = view;
    this.kinds[seqno] = kind;
  }
}
