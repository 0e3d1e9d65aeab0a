// Goal: forwarding (DESIGN §8, no redirects) — writes and linearizable reads sent to a backup are
// executed by the primary and answered by the backup; local reads are served by every node; tx
// status and receipts agree everywhere; a lost forward answers 504 TransactionFateUnknown.
// Method: three real NodeMachines behind createHttpApp with their ForwardChannels wired in memory
// (test/http/http-cluster.ts); requests through inject(), the cluster ticked until they settle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestUser,
  expectError,
  HttpCluster,
  type TestUser,
} from '../../test/http/http-cluster.js';
import { ReceiptVerifier } from '../receipt/verify-receipt.js';

describe('HTTP API, three nodes with forwarding', () => {
  let cluster: HttpCluster;
  let alice: TestUser;

  before(async () => {
    cluster = await HttpCluster.create({ count: 3, limits: { forwardTimeoutMs: 2_000 } });
    alice = await createTestUser('alice');
    await cluster.addUser(alice);
  });
  after(async () => cluster.close());

  const post = (node: string, url: string, payload: Record<string, unknown>) =>
    cluster.request(node, { method: 'POST', url, payload }, alice);
  const get = (node: string, url: string, user: TestUser | null = alice) =>
    cluster.request(node, { method: 'GET', url }, user);
  const ticks = (n: number) => {
    for (let i = 0; i < n; i++) cluster.tick();
  };

  it('writes at the primary and at each backup; local reads converge on every node', async () => {
    const primary = cluster.primaryId();
    const nodes = [primary, ...cluster.backupIds()];
    for (const [i, node] of nodes.entries()) {
      const w = await post(node, '/app/log/private', { id: 100 + i, msg: `via ${i}` });
      assert.equal(w.statusCode, 200, w.body);
      assert.match(String(w.headers['x-ms-ccf-transaction-id']), /^[0-9]+\.[0-9]+$/);
    }
    ticks(30);
    for (const node of nodes) {
      for (const i of nodes.keys()) {
        const r = await get(node, `/app/log/private?id=${100 + i}`);
        assert.equal(r.statusCode, 200, r.body);
        assert.deepEqual(r.json(), { msg: `via ${i}` });
      }
    }
  });

  it('wait_for_commit at a backup; /node/tx Committed; linearizable reads see it', async () => {
    const backup = cluster.backupIds()[0]!;
    const w = await post(backup, '/app/log/public?wait_for_commit=true', {
      id: 7,
      msg: 'committed',
    });
    assert.equal(w.statusCode, 200, w.body);
    const txId = String(w.headers['x-ms-ccf-transaction-id']);
    // The primary answered after commit; its status is Committed at once.
    const atPrimary = (
      await get(cluster.primaryId(), `/node/tx?transaction_id=${txId}`, null)
    ).json();
    assert.deepEqual(atPrimary, { status: 'Committed', transaction_id: txId });
    for (const node of cluster.ids) {
      const r = await get(node, '/app/log/public?id=7&consistency=linearizable');
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { msg: 'committed' });
    }
    ticks(20);
    for (const node of cluster.ids) {
      const status = (await get(node, `/node/tx?transaction_id=${txId}`, null)).json();
      assert.deepEqual(status, { status: 'Committed', transaction_id: txId });
    }
  });

  it('receipts from every node verify against the service certificate', async () => {
    const backup = cluster.backupIds()[1]!;
    const w = await post(backup, '/app/log/public?wait_for_commit=true', {
      id: 8,
      msg: 'receipted',
    });
    const txId = String(w.headers['x-ms-ccf-transaction-id']);
    ticks(20);
    const verifier = new ReceiptVerifier(cluster.machines.service.serviceCertPem);
    for (const node of cluster.ids) {
      const r = await get(node, `/app/receipt?transaction_id=${txId}`);
      assert.equal(r.statusCode, 200, r.body);
      const verified = verifier.verify(r.json());
      assert.ok(verified.ok, JSON.stringify(verified));
    }
  });

  it('/node/primary: 200 at the primary, 308 to the primary elsewhere', async () => {
    const primary = cluster.primaryId();
    assert.equal((await get(primary, '/node/primary', null)).statusCode, 200);
    const backup = cluster.backupIds()[0]!;
    const redirect = await get(backup, '/node/primary', null);
    assert.equal(redirect.statusCode, 308);
    assert.equal(
      redirect.headers.location,
      `https://node-${cluster.ids.indexOf(primary)}.test:443/node/primary`,
    );
    const nodes = (await get(backup, '/node/network/nodes', null)).json() as {
      nodes: { primary: boolean }[];
    };
    assert.equal(nodes.nodes.length, 3);
    assert.equal(nodes.nodes.filter((n) => n.primary).length, 1);
  });

  it('auth and validation at the backup; errors from the primary relayed', async () => {
    const backup = cluster.backupIds()[0]!;
    const stranger = await createTestUser('stranger');
    expectError(await post(backup, '/app/log/public', { id: 1 }), 400, 'InvalidInput');
    expectError(
      await cluster.request(
        backup,
        { method: 'POST', url: '/app/log/public', payload: { id: 1, msg: 'x' } },
        stranger,
      ),
      401,
      'InvalidAuthenticationInfo',
    );
    // The handler's own error (empty message) is raised at the primary and relayed.
    expectError(await post(backup, '/app/log/public', { id: 1, msg: '' }), 400, 'InvalidInput');
    const missing = await get(backup, '/app/log/public?id=999&consistency=linearizable');
    expectError(missing, 404, 'ResourceNotFound');
  });

  it('an unanswered forward: 504 TransactionFateUnknown (write), 504 (read)', async () => {
    const primary = cluster.primaryId();
    const backup = cluster.backupIds()[0]!;
    cluster.cut.add(primary);
    try {
      const w = await post(backup, '/app/log/public', { id: 11, msg: 'lost?' });
      expectError(w, 504, 'TransactionFateUnknown');
      assert.match((w.json() as { error: { message: string } }).error.message, /\/node\/tx/);
      const r = await get(backup, '/app/log/public?id=7&consistency=linearizable');
      expectError(r, 504, 'ForwardingTimeout');
    } finally {
      cluster.cut.delete(primary);
    }
    const metrics = (await get(backup, '/node/metrics', null)).body;
    assert.match(metrics, /consort_forward_timeouts_total 2/);
  });
});
