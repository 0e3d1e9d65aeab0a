// A one-node NodeMachine on real ledger files, for the audit tests and the ledger benchmark:
// elects itself, then executes writes in batches (group commit through persist).
import { testOptions } from '../../test/consensus/mem-cluster.js';
import type { TestNodeIdentity } from '../../test/support/identities.js';
import { utf8 } from '../crypto/encoding.js';
import { SeededRng } from '../ds/rng.js';
import type { LedgerSecret } from '../ledger/ledger-secret.js';
import { NodeMachine } from '../node/node-machine.js';
import type { LedgerFiles } from './ledger-files.js';

/**
 * singleNode builds the machine; `snapshotIntervalTxCount` defaults to 0 (never snapshot: the
 * whole log stays in memory), the runtime takes one every 100,000 (snapshotIntervalTxCount).
 */
export function singleNode(
  files: LedgerFiles,
  identity: TestNodeIdentity,
  secret: LedgerSecret,
  options: { readonly snapshotIntervalTxCount?: number } = {},
): NodeMachine {
  const id = identity.nodeId;
  return new NodeMachine(
    {
      rng: new SeededRng(1),
      signer: identity.signer,
      secret,
      nodeCertPem: () => identity.certPem,
      transport: { send: () => {} },
      storage: files,
    },
    {
      raft: { ...testOptions(id), signatureIntervalTxCount: 5000, proposalQueueCountMax: 200_000 },
      snapshotIntervalTxCount: options.snapshotIntervalTxCount ?? 0,
    },
    { persisted: files.load(), genesis: { voters: [id], learners: [] } },
  );
}

const yieldIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** becomePrimary ticks until the node is primary with a committed signature. */
export async function becomePrimary(m: NodeMachine): Promise<void> {
  for (let i = 0; i < 1000 && !(m.core.role === 'primary' && m.core.commitSeqno > 0); i++) {
    m.tick();
    await yieldIo();
  }
  if (m.core.role !== 'primary') throw new Error('single node did not become primary');
}

/**
 * writeMany executes `count` writes of `value` (public, or private when `privateEvery` divides
 * the index), keeping up to `inflight` uncommitted, then waits until all are committed.
 */
export async function writeMany(
  m: NodeMachine,
  p: { count: number; value: Uint8Array; privateEvery?: number; inflight?: number },
): Promise<void> {
  const inflight = p.inflight ?? 20_000;
  let lastSeqno = 0;
  for (let i = 0; i < p.count; i++) {
    while (m.core.lastSeqno - m.core.commitSeqno >= inflight) await yieldIo();
    const key = utf8(`key-${i % 100_000}`);
    const mapName = p.privateEvery !== undefined && i % p.privateEvery === 0 ? 'records' : 'public:records';
    const r = m.execute((tx) => tx.map(mapName).set(key, p.value));
    if ('txId' in r) lastSeqno = r.txId.seqno;
    if (i % 1000 === 999) await yieldIo();
  }
  for (let i = 0; i < 100_000 && m.core.commitSeqno < lastSeqno; i++) {
    m.tick();
    await yieldIo();
  }
}
