// Goal: a NodeMachine on real ledger files behaves like one on the in-memory disk, and restarts
// from its files with the same store, Merkle root and commit point.
// Method: three NodeMachines with real keys (test/support/identities.ts) and a FIFO in-memory
// network; node 0 persists through createLedgerFiles (async fdatasync), the others synchronously.
// Writes at the primary, then stop node 0, reopen its directory and compare.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { testOptions } from '../../test/consensus/mem-cluster.js';
import { testService } from '../../test/support/identities.js';
import type { LogEntry, NodeId, PersistedState, RaftMessage, Snapshot } from '../consensus/types.js';
import { bytesToHex, utf8 } from '../crypto/encoding.js';
import { SeededRng } from '../ds/rng.js';
import { bytesToString } from '../kv/values.js';
import { LedgerSecret } from '../ledger/ledger-secret.js';
import { type LedgerStorage, NodeMachine } from '../node/node-machine.js';
import type { LedgerFiles } from './ledger-files.js';
import { open, tempDir } from './ledger-files.test-helper.js';

const secret = new LedgerSecret(new Uint8Array(32).fill(5));
const { dir, cleanup } = tempDir('e2e');
after(cleanup);

interface Net {
  queue: { from: NodeId; to: NodeId; message: RaftMessage }[];
  machines: Map<NodeId, NodeMachine>;
}

function memoryStorage(): { storage: LedgerStorage; state: () => PersistedState } {
  let entries: LogEntry[] = [];
  let snapshot: Snapshot | null = null;
  let hardState = { view: 0, votedFor: null as string | null, commitSeqno: 0 };
  const storage: LedgerStorage = {
    persist: (w, done) => {
      if (w.snapshot !== null) snapshot = w.snapshot;
      if (w.truncateFromSeqno !== null) entries = entries.filter((e) => e.seqno < w.truncateFromSeqno!);
      entries.push(...w.entries);
      if (w.hardState !== null) hardState = { ...w.hardState };
      done(null);
    },
    committed: () => {},
    snapshot: () => {},
  };
  return { storage, state: () => ({ hardState, snapshot, entries }) };
}

async function machine(net: Net, id: NodeId, storage: LedgerStorage, persisted: PersistedState, ids: NodeId[]) {
  const service = await testService();
  const identity = service.nodes.find((n) => n.nodeId === id)!;
  const m = new NodeMachine(
    {
      rng: new SeededRng(ids.indexOf(id) + 11),
      signer: identity.signer,
      secret,
      nodeCertPem: (n) => service.certOf(n),
      transport: { send: (to, message) => net.queue.push({ from: id, to, message }) },
      storage,
    },
    { raft: testOptions(id), snapshotIntervalTxCount: 0 },
    { persisted, genesis: { voters: ids, learners: [] } },
  );
  net.machines.set(id, m);
  return m;
}

/** settle delivers messages and lets file I/O finish, `rounds` times, ticking each round. */
async function settle(net: Net, rounds: number, tick = true): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    if (tick) for (const m of net.machines.values()) m.tick();
    for (let i = 0; i < 100 && net.queue.length > 0; i++) {
      const batch = net.queue;
      net.queue = [];
      for (const { from, to, message } of batch) net.machines.get(to)?.receive(from, message);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('NodeMachine on real ledger files', () => {
  it('restarts from disk with the same store, tree and commit point', async () => {
    const service = await testService();
    const ids = service.nodes.slice(0, 3).map((n) => n.nodeId);
    const net: Net = { queue: [], machines: new Map() };
    const filesNode = ids[0]!;
    let files: LedgerFiles = await open(dir, { chunkBytesMin: 2048 });
    await machine(net, filesNode, files, files.load(), ids);
    for (const id of ids.slice(1)) {
      const mem = memoryStorage();
      await machine(net, id, mem.storage, mem.state(), ids);
    }
    let written = 0;
    for (let round = 0; round < 400 && written < 60; round++) {
      await settle(net, 1);
      const p = [...net.machines.values()].find((m) => m.core.role === 'primary' && m.core.commitSeqno > 0);
      if (p === undefined) continue;
      for (let i = 0; i < 3; i++, written++) {
        p.execute((tx) => {
          tx.map('public:records').set(utf8(`k${written}`), utf8(`v${written}`));
          tx.map('secrets').set(utf8(`k${written}`), utf8(`s${written}`));
        });
      }
    }
    await settle(net, 20);
    // File I/O takes real time: on a loaded machine settle longer (bounded) until it commits.
    for (let i = 0; i < 500 && net.machines.get(filesNode)!.core.commitSeqno <= 60; i++) {
      await settle(net, 1);
    }
    const before = net.machines.get(filesNode)!;
    const commit = before.core.commitSeqno;
    assert.ok(commit > 60, `commit ${commit}`);
    const rootBefore = bytesToHex(before.ledger.rootAt(commit));
    before.stop();
    await files.close();
    files = await open(dir, { chunkBytesMin: 2048 });
    const again = await machine(net, filesNode, files, files.load(), ids);
    // The commit point on disk is a hint (written with entries, not on its own): it may lag, and
    // the node learns the rest from the primary.
    assert.ok(again.core.commitSeqno <= commit, `restarted commit ${again.core.commitSeqno} vs ${commit}`);
    assert.ok(again.core.lastSeqno >= commit, 'every committed entry is on disk');
    assert.equal(bytesToHex(again.ledger.rootAt(commit)), rootBefore);
    const tx = again.ledger.store.begin();
    assert.equal(bytesToString(tx.map('secrets').get(utf8('k42'))!), 's42');
    assert.equal(bytesToString(tx.map('public:records').get(utf8('k0'))!), 'v0');
    await settle(net, 20);
    for (let i = 0; i < 500 && again.core.commitSeqno < commit; i++) await settle(net, 1);
    assert.ok(again.core.commitSeqno >= commit, `caught up: ${again.core.commitSeqno} vs ${commit}`);
    again.stop();
    await files.close();
  });
});
