// ledger-mutator.ts: the fuzz loop for the ledger decoders: chunk bytes through scanRecords,
// decodeLedgerEntry, decodeLedgerSnapshot, decodeSignaturePublicDomain, and the io snapshot-file
// and hard-state decoders. Each case mutates a valid encoding (kv-mutator's mutate); the only
// accepted outcomes are success or a ConsortError subclass. Anything else, or a case slower than
// caseMsMax, fails with the seed and the input.
import type { LogEntry } from '../../src/consensus/types.js';
import { ConsortError } from '../../src/ds/errors.js';
import { SeededRng } from '../../src/ds/rng.js';
import { decodeHardStateSlot, encodeHardStateSlot } from '../../src/io/ledger-hard-state.js';
import { decodeSnapshotFile, encodeSnapshotFile } from '../../src/io/ledger-snapshot-file.js';
import { utf8 } from '../../src/crypto/encoding.js';
import { Store } from '../../src/kv/store.js';
import { serializeWriteSet } from '../../src/kv/write-set.js';
import { decodeLedgerEntry, encodeLedgerEntry } from '../../src/ledger/ledger-entry.js';
import { LedgerSecret } from '../../src/ledger/ledger-secret.js';
import { decodeLedgerSnapshot, encodeLedgerSnapshot } from '../../src/ledger/ledger-snapshot.js';
import { LedgerState } from '../../src/ledger/ledger-state.js';
import { encodeLogRecord, scanRecords } from '../../src/ledger/log-record.js';
import { decodeSignaturePublicDomain } from '../../src/ledger/signature-tx.js';
import { mutate } from './kv-mutator.js';

export interface LedgerFuzzStats {
  cases: number;
  accepted: number;
  rejected: number;
  caseMsMaxSeen: number;
}

const caseMsMax = 2000;
type Target = 'chunk' | 'entry' | 'snapshot' | 'signature' | 'snapshotFile' | 'hardState';
const targets: readonly Target[] = ['chunk', 'entry', 'snapshot', 'signature', 'snapshotFile', 'hardState'];

interface Corpus {
  readonly pools: Record<Target, Uint8Array[]>;
}

/** buildLedgerCorpus makes real entries, signatures, chunks and snapshots with a fake signer. */
function buildLedgerCorpus(rng: SeededRng): Corpus {
  const secret = new LedgerSecret(new Uint8Array(32).fill(4));
  const state = new LedgerState({ secret, signer: { nodeId: 'n0', sign: () => new Uint8Array(70).fill(48) } });
  const entries: LogEntry[] = [];
  const entryBytes: Uint8Array[] = [];
  const signatures: Uint8Array[] = [];
  for (let seqno = 1; seqno <= 40; seqno++) {
    let data: Uint8Array;
    const isSig = seqno % 5 === 0;
    if (isSig) data = state.sign({ view: 1, seqno });
    else {
      const tx = state.store.begin();
      tx.map('public:t').set(utf8(`k${rng.int(0, 9)}`), utf8('v'.repeat(rng.int(0, 20))));
      if (seqno % 2 === 0) tx.map('private').set(utf8('p'), utf8('secret'));
      const ws = state.store.commit(tx, seqno);
      const d = serializeWriteSet(ws);
      data = encodeLedgerEntry({ view: 1, seqno, kind: 0, publicBytes: d.publicBytes, privateBytes: d.privateBytes }, secret);
    }
    const entry: LogEntry = { view: 1, seqno, kind: isSig ? 'signature' : 'data', data };
    state.append(entry);
    entries.push(entry);
    entryBytes.push(data);
    if (isSig) signatures.push(decodeLedgerEntry(data).publicBytes);
  }
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < 40; start += 8) {
    chunks.push(Buffer.concat(entries.slice(start, start + 8).map(encodeLogRecord)));
  }
  const snapshotData = encodeLedgerSnapshot(state.tree, state.store, 40);
  const snapshot = { seqno: 40, view: 1, configs: [{ seqno: 0, config: { voters: ['a', 'b'], learners: ['c'] } }], data: snapshotData };
  return {
    pools: {
      chunk: chunks,
      entry: entryBytes,
      snapshot: [snapshotData],
      signature: signatures,
      snapshotFile: [encodeSnapshotFile(snapshot)],
      hardState: [encodeHardStateSlot({ sequence: 3, hardState: { view: 2, votedFor: 'n1', commitSeqno: 40 } })],
    },
  };
}

function runCase(target: Target, input: Uint8Array): void {
  switch (target) {
    case 'chunk': {
      const scan = scanRecords(input, null);
      if (scan.validBytes > input.length) throw new Error('validBytes beyond the input');
      return;
    }
    case 'entry':
      decodeLedgerEntry(input);
      return;
    case 'snapshot': {
      const decoded = decodeLedgerSnapshot(input);
      Store.restore(decoded.storeBytes);
      return;
    }
    case 'signature':
      decodeSignaturePublicDomain(input);
      return;
    case 'snapshotFile':
      decodeSnapshotFile(input);
      return;
    case 'hardState':
      decodeHardStateSlot(input);
      return;
  }
}

/** runLedgerFuzz runs `caseCount` cases from `seed` over all targets in turn. */
export function runLedgerFuzz(seed: number, caseCount: number, now: () => number): LedgerFuzzStats {
  const rng = new SeededRng(seed);
  const corpus = buildLedgerCorpus(rng);
  const stats: LedgerFuzzStats = { cases: 0, accepted: 0, rejected: 0, caseMsMaxSeen: 0 };
  for (let i = 0; i < caseCount; i++) {
    const target = targets[i % targets.length]!;
    const pool = corpus.pools[target];
    const input = mutate(rng, pool[rng.int(0, pool.length - 1)]!);
    const started = now();
    try {
      runCase(target, input);
      stats.accepted++;
    } catch (error) {
      if (!(error instanceof ConsortError)) {
        const hex = Buffer.from(input).toString('hex');
        throw new Error(`ledger fuzz seed ${seed} case ${i} (${target}): ${String(error)}; input ${hex}`, { cause: error });
      }
      stats.rejected++;
    }
    const elapsedMs = now() - started;
    stats.caseMsMaxSeen = Math.max(stats.caseMsMaxSeen, elapsedMs);
    if (elapsedMs > caseMsMax) throw new Error(`ledger fuzz seed ${seed} case ${i} (${target}): ${elapsedMs} ms`);
    stats.cases++;
  }
  return stats;
}
