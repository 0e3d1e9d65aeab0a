// AppliedState: the tiny state machine of a simulated node. Its state is the chain hash of the
// applied log (so a snapshot's data is that 8-byte digest) plus the configurations it applied,
// used to describe the configuration in force at a snapshot point.
import type { ConfigAt, Configuration, LogEntry, Snapshot } from '../../src/consensus/types.js';
import { chainHash } from './chain.js';
import { GENESIS_HASH, bytesToHex } from './hash.js';

/** AppliedState is rebuilt on restart from the durable snapshot (or genesis) and re-applied entries. */
export class AppliedState {
  appliedSeqno = 0;
  digest = GENESIS_HASH;
  /** The last applied signature entry (snapshot candidates). */
  lastSignature: { seqno: number; view: number; digest: string } | null = null;
  private configs: ConfigAt[];

  constructor(genesis: Configuration | null) {
    this.configs = genesis === null ? [] : [{ seqno: 0, config: genesis }];
  }

  /** apply returns an error text when `entry` does not follow the applied prefix. */
  apply(entry: LogEntry): string | null {
    if (entry.seqno !== this.appliedSeqno + 1) {
      return `applied seqno ${entry.seqno} after ${this.appliedSeqno}`;
    }
    this.digest = chainHash(this.digest, entry);
    this.appliedSeqno = entry.seqno;
    if (entry.kind === 'signature') {
      this.lastSignature = { seqno: entry.seqno, view: entry.view, digest: this.digest };
    }
    if (entry.kind === 'config' && entry.config !== undefined) {
      this.configs.push({ seqno: entry.seqno, config: entry.config });
      if (this.configs.length > 8) this.configs.shift();
    }
    return null;
  }

  /** applySnapshot replaces the state by `snapshot`'s. */
  applySnapshot(snapshot: Snapshot): void {
    this.digest = bytesToHex(snapshot.data);
    this.appliedSeqno = snapshot.seqno;
    this.lastSignature = { seqno: snapshot.seqno, view: snapshot.view, digest: this.digest };
    this.configs = [...snapshot.configs];
  }

  /** configAt returns the configuration in force at `seqno` as far as this node applied. */
  configAt(seqno: number): ConfigAt | undefined {
    let found: ConfigAt | undefined;
    for (const c of this.configs) if (c.seqno <= seqno) found = c;
    return found;
  }
}
