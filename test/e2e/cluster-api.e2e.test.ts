// Goal: a 3-node service of real processes serves the logging app end to end — committed writes at
// the primary and at backups (forwarded), local and linearizable reads at every node, receipts from
// every node that verify offline against service_cert.pem, /node/tx reaching Committed — and keeps
// all of it across a restart of the whole cluster from its data directories. Method: three
// `consort start` processes on loopback (workspaces prepared as `consort sandbox` does), HTTPS
// with the user0 certificate; SIGTERM all, start again from the same workspaces.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReceiptVerifier } from '../../src/receipt/verify-receipt.js';
import { type Answer, errorCodeOf } from './harness/client.js';
import { E2eCluster, until } from './harness/cluster.js';

const txHeader = 'x-ms-ccf-transaction-id';

interface Written {
  readonly id: number;
  readonly msg: string;
  readonly txId: string;
  readonly atNode: number;
}

describe('3-node cluster of real processes', { timeout: 120_000 }, () => {
  let cluster: E2eCluster;
  let verifier: ReceiptVerifier;
  const written: Written[] = [];
  const receiptsBefore = new Map<string, unknown>();

  before(async () => {
    cluster = await E2eCluster.create('api', { founders: 3, electionTimeoutMs: 300 });
    await cluster.startAll();
    verifier = new ReceiptVerifier(cluster.client.serviceCertPem);
  });

  after(async () => {
    await cluster?.destroy();
  });

  const receiptAt = (port: number, txId: string): Promise<Answer> =>
    until(
      `receipt ${txId} at ${port}`,
      async () => {
        const a = await cluster.client.call('GET', port, `/app/receipt?transaction_id=${txId}`);
        return a.status === 200 ? a : a.status === 404 && errorCodeOf(a) === 'TransactionPendingOrUnknown' ? null : a;
      },
      5_000,
    );

  test('writes at the primary and at backups commit; every node reads them; receipts verify', async () => {
    const primary = await cluster.waitPrimary();
    const order = [primary.index, ...cluster.nodes.filter((n) => n !== primary).map((n) => n.index)];
    for (const [k, i] of order.entries()) {
      const id = 100 + k;
      const msg = `written at node${i} (${i === primary.index ? 'primary' : 'backup, forwarded'})`;
      const a = await cluster.client.write(cluster.nodes[i]!.rpcPort, id, msg);
      assert.equal(a.status, 200, `write at node${i}: ${a.status} ${a.text} ${a.transportError ?? ''}`);
      assert.equal(a.json, true);
      const txId = a.headers[txHeader];
      assert.match(txId ?? '', /^\d+\.\d+$/, 'a committed write names its transaction');
      written.push({ id, msg, txId: txId!, atNode: i });
    }
    // Overwrite one id through a backup: reads must see the newest value everywhere.
    const backup = order[1]!;
    const over = await cluster.client.write(cluster.nodes[backup]!.rpcPort, 100, 'overwritten via backup');
    assert.equal(over.status, 200, over.text);
    written[0] = { ...written[0]!, msg: 'overwritten via backup', txId: over.headers[txHeader]! };

    for (const node of cluster.nodes) {
      for (const w of written) {
        // Right after the restart a backup may not know the new primary yet: 503 + Retry-After
        // is the documented answer, and clients retry it.
        let lin = await cluster.client.read(node.rpcPort, w.id, 'linearizable');
        for (let i = 0; i < 50 && lin.status === 503; i++) {
          await new Promise((r) => setTimeout(r, 100));
          lin = await cluster.client.read(node.rpcPort, w.id, 'linearizable');
        }
        assert.equal(lin.status, 200, `linearizable read of ${w.id} at node${node.index}: ${lin.text}`);
        assert.deepEqual(lin.json, { msg: w.msg }, `linearizable read of ${w.id} at node${node.index}`);
        // A local read at a backup may lag until the commit reaches it, but not for long.
        await until(
          `local read of ${w.id} at node${node.index}`,
          async () => {
            const local = await cluster.client.read(node.rpcPort, w.id, 'local');
            return local.status === 200 && (local.json as { msg?: string }).msg === w.msg ? true : null;
          },
          5_000,
        );
      }
      const missing = await cluster.client.read(node.rpcPort, 999_999, 'linearizable');
      assert.equal(missing.status, 404);
      assert.equal(errorCodeOf(missing), 'ResourceNotFound');
    }

    for (const node of cluster.nodes) {
      for (const w of written) {
        const status = await until(
          `/node/tx ${w.txId} Committed at node${node.index}`,
          async () => {
            const a = await cluster.client.call('GET', node.rpcPort, `/node/tx?transaction_id=${w.txId}`);
            const s = (a.json as { status?: string } | undefined)?.status;
            return s === 'Committed' ? s : null;
          },
          5_000,
        );
        assert.equal(status, 'Committed');
        const receipt = await receiptAt(node.rpcPort, w.txId);
        assert.equal(receipt.status, 200, `receipt ${w.txId} at node${node.index}: ${receipt.text}`);
        const v = verifier.verify(receipt.json);
        assert.ok(v.ok, `receipt ${w.txId} from node${node.index}: ${v.ok ? '' : v.reason.message}`);
        assert.equal((receipt.json as { transactionId: string }).transactionId, w.txId);
        if (!receiptsBefore.has(w.txId)) receiptsBefore.set(w.txId, receipt.json);
      }
    }
    // The verifier is not a rubber stamp: a receipt with one proof hash changed fails.
    const sample = structuredClone(receiptsBefore.get(written[1]!.txId)) as { proof: Record<string, string>[] };
    assert.ok(sample.proof.length > 0, 'a receipt in a multi-entry ledger has a proof');
    const step = sample.proof[0]!;
    const side = Object.keys(step)[0]!;
    step[side] = `${step[side]!.startsWith('0') ? '1' : '0'}${step[side]!.slice(1)}`;
    assert.equal(verifier.verify(sample).ok, false, 'a tampered receipt must not verify');
  });

  test('a restart of the whole cluster keeps state, transaction statuses and receipts', async () => {
    assert.ok(written.length >= 3, 'the first test wrote the records');
    for (const node of cluster.nodes) {
      const code = await cluster.stop(node.index);
      assert.equal(code, 0, `node${node.index} stops cleanly on SIGTERM`);
    }
    await cluster.startAll();
    const primary = await cluster.waitPrimary();

    for (const node of cluster.nodes) {
      for (const w of written) {
        // Right after the restart a backup may not know the new primary yet: 503 + Retry-After
        // is the documented answer, and clients retry it.
        let lin = await cluster.client.read(node.rpcPort, w.id, 'linearizable');
        for (let i = 0; i < 50 && lin.status === 503; i++) {
          await new Promise((r) => setTimeout(r, 100));
          lin = await cluster.client.read(node.rpcPort, w.id, 'linearizable');
        }
        assert.equal(lin.status, 200, `read of ${w.id} at node${node.index} after restart: ${lin.text}`);
        assert.deepEqual(lin.json, { msg: w.msg });
        // A restarted backup re-learns the commit point from the new primary (the commit point on
        // disk is only a hint): poll, bounded, until it does.
        let a = await cluster.client.call('GET', node.rpcPort, `/node/tx?transaction_id=${w.txId}`);
        for (let i = 0; i < 50 && (a.json as { status?: string }).status !== 'Committed'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          a = await cluster.client.call('GET', node.rpcPort, `/node/tx?transaction_id=${w.txId}`);
        }
        assert.deepEqual(a.json, { status: 'Committed', transaction_id: w.txId }, `/node/tx at node${node.index}`);
        const receipt = await receiptAt(node.rpcPort, w.txId);
        assert.equal(receipt.status, 200, receipt.text);
        const now = verifier.verify(receipt.json);
        assert.ok(now.ok, now.ok ? '' : now.reason.message);
        const before = verifier.verify(receiptsBefore.get(w.txId));
        assert.ok(before.ok, 'a receipt obtained before the restart still verifies');
        const evidence = (r: unknown) => (r as { leafComponents: { commitEvidence: string } }).leafComponents.commitEvidence;
        assert.equal(evidence(receipt.json), evidence(receiptsBefore.get(w.txId)), 'same leaf before and after');
      }
    }
    // And the restarted service keeps committing.
    const after = await cluster.client.write(primary.rpcPort, 200, 'after restart');
    assert.equal(after.status, 200, after.text);
    const view = Number(after.headers[txHeader]!.split('.')[0]);
    assert.ok(view >= 2, `a new view after the restart (got ${after.headers[txHeader]})`);
  });
});
