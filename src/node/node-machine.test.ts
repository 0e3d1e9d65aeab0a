// Goal: the node layer keeps consensus, the KV store and the Merkle tree in lock-step on every node.
// Method: three NodeMachines with real ECDSA keys and AES-GCM in an in-memory cluster; writes at the
// primary, then compare stores, roots and tx statuses on every node, including across an election.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MachineCluster } from '../../test/node/machine-cluster.js';
import { testService } from '../../test/support/identities.js';
import { ReceiptVerifier } from '../receipt/verify-receipt.js';
import { bytesToHex, utf8 } from '../crypto/encoding.js';
import type { TxId } from '../consensus/types.js';
import { bytesToString } from '../kv/values.js';

function write(c: MachineCluster, key: string, value: string): TxId {
  const p = c.primary();
  const r = p.execute((tx) => {
    tx.map('public:records').set(utf8(key), utf8(value));
    tx.map('secrets').set(utf8(key), utf8(`secret-${value}`));
  });
  assert.ok('txId' in r);
  c.deliver();
  return r.txId;
}

describe('NodeMachine', async () => {
  it('replicates writes; every node has the same store and Merkle root at the commit point', async () => {
    const c = new MachineCluster(await testService(), 3, 1);
    const ids: TxId[] = [];
    for (let i = 0; i < 20; i++) ids.push(write(c, `k${i}`, `v${i}`));
    c.tick(3);
    const roots = new Set<string>();
    for (const m of c.machines.values()) {
      for (const txId of ids) assert.equal(m.status(txId), 'Committed');
      const commit = m.core.commitSeqno;
      roots.add(bytesToHex(m.ledger.rootAt(commit)));
      const tx = m.ledger.store.begin();
      assert.equal(bytesToString(tx.map('public:records').get(utf8('k7'))!), 'v7');
      assert.equal(bytesToString(tx.map('secrets').get(utf8('k7'))!), 'secret-v7');
    }
    assert.equal(roots.size, 1);
  });

  it('reports the outcome of a write once committed', async () => {
    const c = new MachineCluster(await testService(), 3, 2);
    const txId = write(c, 'a', 'b');
    let outcome = '';
    c.primary().onOutcome(txId, (s) => {
      outcome = s;
    });
    c.tick(3);
    assert.equal(outcome, 'Committed');
  });

  it('a new primary continues on the same state after the old one stops', async () => {
    const c = new MachineCluster(await testService(), 3, 3);
    write(c, 'x', '1');
    c.tick(3);
    const old = c.primary();
    old.stop();
    c.machines.delete(old.id);
    c.tick(80);
    const p = c.primary();
    assert.notEqual(p.id, old.id);
    const txId = write(c, 'y', '2');
    c.tick(3);
    for (const m of c.machines.values()) {
      assert.equal(m.status(txId), 'Committed');
      const tx = m.ledger.store.begin();
      assert.equal(bytesToString(tx.map('public:records').get(utf8('x'))!), '1');
    }
  });

  it('a node restarted from its disk rebuilds the same store and tree', async () => {
    const c = new MachineCluster(await testService(), 3, 4);
    for (let i = 0; i < 10; i++) write(c, `k${i}`, `v${i}`);
    c.tick(3);
    const backup = [...c.machines.values()].find((m) => m.core.role !== 'primary')!;
    const rootBefore = bytesToHex(backup.ledger.rootAt(backup.core.commitSeqno));
    backup.stop();
    const again = c.start(backup.id);
    assert.equal(bytesToHex(again.ledger.rootAt(backup.core.commitSeqno)), rootBefore);
    const tx = again.ledger.store.begin();
    assert.equal(bytesToString(tx.map('secrets').get(utf8('k3'))!), 'secret-v3');
  });

  it('snapshots compact the log and a late node catches up from one', async () => {
    const c = new MachineCluster(await testService(), 3, 5, 10);
    const p = c.primary();
    const late = [...c.machines.values()].find((m) => m.id !== p.id)!;
    late.stop();
    c.machines.delete(late.id);
    for (let i = 0; i < 60; i++) write(c, `k${i}`, `v${i}`);
    c.tick(5);
    const fresh = c.start(late.id, 10);
    c.tick(30);
    assert.equal(fresh.core.commitSeqno, c.primary().core.commitSeqno);
    assert.ok(c.disks.get(late.id)!.snapshot !== null, 'caught up through InstallSnapshot');
    const tx = fresh.ledger.store.begin();
    assert.equal(bytesToString(tx.map('public:records').get(utf8('k55'))!), 'v55');
  });

  it('every committed write has a receipt that verifies offline against the service cert', async () => {
    const service = await testService();
    const c = new MachineCluster(service, 3, 6);
    const ids: TxId[] = [];
    for (let i = 0; i < 15; i++) ids.push(write(c, `k${i}`, `v${i}`));
    c.tick(3);
    const verifier = new ReceiptVerifier(service.serviceCertPem);
    for (const m of c.machines.values()) {
      for (const txId of ids) {
        const r = m.receipt(txId);
        assert.ok(r.ok, r.ok ? '' : r.message);
        const v = verifier.verify(JSON.parse(JSON.stringify(r.receipt)));
        assert.ok(v.ok, v.ok ? '' : `${v.reason.code}: ${v.reason.message}`);
        assert.equal(v.rootHex.length, 64);
      }
    }
    const pending = write(c, 'late', 'x');
    const m = [...c.machines.values()].find((x) => x.core.role !== 'primary')!;
    assert.equal(m.receipt({ view: pending.view, seqno: pending.seqno + 1000 }).ok, false);
  });
});
