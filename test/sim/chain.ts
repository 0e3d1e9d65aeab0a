// Chain hashes of log prefixes: hash(seqno) = H(hash(seqno - 1), entry). Two nodes with the same
// chain hash at a seqno hold identical prefixes, so checkers compare one string instead of logs.
import type { EntryKind, LogEntry } from '../../src/consensus/types.js';
import { Hasher } from './hash.js';

const KIND_CODE: Record<EntryKind, number> = { data: 1, signature: 2, config: 3 };

/** chainHash extends the prefix hash `prevHex` by `entry`. */
export function chainHash(prevHex: string, entry: LogEntry): string {
  const h = new Hasher(prevHex).num(entry.view).num(entry.seqno).u32(KIND_CODE[entry.kind] ?? 0);
  h.bytes(entry.data);
  if (entry.config !== undefined) {
    h.u32(entry.config.voters.length);
    for (const v of entry.config.voters) h.str(v);
    h.u32(entry.config.learners.length);
    for (const l of entry.config.learners) h.str(l);
  }
  return h.hex();
}
