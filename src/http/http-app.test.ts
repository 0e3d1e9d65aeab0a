// Goal: the HTTP API of a single real node — logging app writes and reads, wait_for_commit,
// /node/tx reaching Committed, receipts that verify offline, the framework endpoints, and every
// bad input answered with the right status and the JSON error shape.
// Method: one NodeMachine (real keys, in-memory disk) in a NodeService behind createHttpApp,
// requests through fastify's inject(), the cluster ticked by hand until each request settles.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestUser,
  expectError,
  HttpCluster,
  type TestUser,
} from '../../test/http/http-cluster.js';
import { ReceiptVerifier } from '../receipt/verify-receipt.js';
import { requestBodyBytesMax } from '../constants.js';

describe('HTTP API, single node', () => {
  let cluster: HttpCluster;
  let node: string;
  let alice: TestUser;
  let mallory: TestUser;

  before(async () => {
    cluster = await HttpCluster.create({ count: 1 });
    node = cluster.primaryId();
    alice = await createTestUser('alice');
    mallory = await createTestUser('mallory');
    await cluster.addUser(alice);
  });
  after(async () => cluster.close());

  const post = (url: string, payload: unknown, user: TestUser | null = alice) =>
    cluster.request(
      node,
      { method: 'POST', url, payload: payload as Record<string, unknown> },
      user,
    );
  const get = (url: string, user: TestUser | null = alice) =>
    cluster.request(node, { method: 'GET', url }, user);

  it('records and reads public and private messages; writes carry the tx id header', async () => {
    for (const scope of ['public', 'private']) {
      const w = await post(`/app/log/${scope}`, { id: 42, msg: `hello ${scope}` });
      assert.equal(w.statusCode, 200, w.body);
      assert.equal(w.json(), true);
      assert.match(String(w.headers['x-ms-ccf-transaction-id']), /^[0-9]+\.[0-9]+$/);
      const r = await get(`/app/log/${scope}?id=42`);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { msg: `hello ${scope}` });
      assert.match(String(r.headers['x-ms-ccf-transaction-id']), /^[0-9]+\.[0-9]+$/);
    }
    const missing = await get('/app/log/public?id=7');
    expectError(missing, 404, 'ResourceNotFound');
  });

  it('/node/tx goes Pending → Committed; wait_for_commit answers once committed', async () => {
    const w = await post('/app/log/public', { id: 1, msg: 'one' });
    const txId = String(w.headers['x-ms-ccf-transaction-id']);
    const status = (await get(`/node/tx?transaction_id=${txId}`, null)).json() as {
      status: string;
    };
    assert.ok(['Pending', 'Committed'].includes(status.status));
    for (let i = 0; i < 20; i++) cluster.tick();
    assert.deepEqual((await get(`/node/tx?transaction_id=${txId}`, null)).json(), {
      status: 'Committed',
      transaction_id: txId,
    });
    const waited = await post('/app/log/public?wait_for_commit=true', { id: 2, msg: 'two' });
    assert.equal(waited.statusCode, 200, waited.body);
    const waitedId = String(waited.headers['x-ms-ccf-transaction-id']);
    const after = (await get(`/node/tx?transaction_id=${waitedId}`, null)).json() as {
      status: string;
    };
    assert.equal(after.status, 'Committed');
    const [view, seqno] = waitedId.split('.').map(Number) as [number, number];
    const later = (await get(`/node/tx?transaction_id=${view}.${seqno + 1000}`, null)).json() as {
      status: string;
    };
    assert.equal(later.status, 'Unknown');
  });

  it('linearizable reads see committed writes', async () => {
    await post('/app/log/private?wait_for_commit=true', { id: 5, msg: 'five' });
    const r = await get('/app/log/private?id=5&consistency=linearizable');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { msg: 'five' });
    expectError(await get('/app/log/private?id=5&consistency=sometimes'), 400, 'InvalidInput');
  });

  it('receipts: 404 TransactionPendingOrUnknown, then a receipt that verifies', async () => {
    const w = await post('/app/log/public', { id: 9, msg: 'receipted' });
    const txId = String(w.headers['x-ms-ccf-transaction-id']);
    const early = await get(`/app/receipt?transaction_id=${txId}`);
    if (early.statusCode !== 200) {
      expectError(early, 404, 'TransactionPendingOrUnknown');
      assert.equal(early.headers['cache-control'], 'no-cache');
    }
    for (let i = 0; i < 20; i++) cluster.tick();
    const r = await get(`/app/receipt?transaction_id=${txId}`);
    assert.equal(r.statusCode, 200, r.body);
    const verifier = new ReceiptVerifier(cluster.machines.service.serviceCertPem);
    const verified = verifier.verify(r.json());
    assert.ok(verified.ok, JSON.stringify(verified));
    expectError(await get('/app/receipt?transaction_id=2.x'), 400, 'InvalidQueryParameterValue');
    expectError(
      await get('/app/receipt?transaction_id=1.1', null),
      401,
      'InvalidAuthenticationInfo',
    );
  });

  it('framework endpoints answer in CCF shapes', async () => {
    const state = (await get('/node/state', null)).json() as Record<string, unknown>;
    assert.equal(state.node_id, node);
    assert.equal(state.state, 'PartOfNetwork');
    const network = (await get('/node/network', null)).json() as Record<string, unknown>;
    assert.equal(network.primary_id, node);
    assert.equal(network.service_certificate, cluster.machines.service.serviceCertPem);
    const nodes = (await get('/node/network/nodes', null)).json() as {
      nodes: Record<string, unknown>[];
    };
    assert.equal(nodes.nodes.length, 1);
    assert.equal(nodes.nodes[0]?.primary, true);
    assert.equal((await get('/node/primary', null)).statusCode, 200);
    assert.equal(
      (await cluster.request(node, { method: 'HEAD', url: '/node/primary' }, null)).statusCode,
      200,
    );
    const commit = (await get('/node/commit', null)).json() as { transaction_id: string };
    assert.match(commit.transaction_id, /^[0-9]+\.[0-9]+$/);
    const version = (await get('/node/version', null)).json() as Record<string, unknown>;
    assert.match(String(version.ccf_version), /^consort-/);
    const metrics = await get('/node/metrics', null);
    assert.equal(metrics.statusCode, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    for (const name of [
      'consort_writes_total',
      'consort_commit_latency_seconds_bucket',
      'consort_view ',
      'consort_http_responses_total{code="200"}',
    ]) {
      assert.ok(metrics.body.includes(name), name);
    }
    const api = (await get('/app/api', null)).json() as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(api.openapi, '3.0.0');
    assert.ok(api.paths['/app/log/public']?.post !== undefined);
    assert.ok(api.paths['/app/log/private']?.get !== undefined);
    assert.ok(api.paths['/app/receipt']?.get !== undefined);
  });

  it('auth: no certificate → 401, unknown certificate → 401 (as CCF), with details', async () => {
    const none = await post('/app/log/public', { id: 1, msg: 'x' }, null);
    expectError(none, 401, 'InvalidAuthenticationInfo');
    assert.equal(
      (none.json() as { error: { details: { message: string }[] } }).error.details[0]?.message,
      'No caller user certificate',
    );
    const unknown = await get('/app/log/public?id=1', mallory);
    expectError(unknown, 401, 'InvalidAuthenticationInfo');
    assert.equal(
      (unknown.json() as { error: { details: { message: string }[] } }).error.details[0]?.message,
      'Could not find matching user certificate',
    );
  });

  it('bad input: malformed JSON, schema, body too large, unknown route, method', async () => {
    const inject = (
      method: 'POST' | 'PUT' | 'GET',
      url: string,
      payload?: string,
      type = 'application/json',
    ) =>
      cluster.request(
        node,
        {
          method,
          url,
          ...(payload === undefined ? {} : { payload, headers: { 'content-type': type } }),
        },
        alice,
      );
    expectError(await inject('POST', '/app/log/public', '{"id": 1, "msg": '), 400, 'InvalidInput');
    expectError(
      await inject('POST', '/app/log/public', '{"id": "1", "msg": "x"}'),
      400,
      'InvalidInput',
    );
    expectError(await inject('POST', '/app/log/public', '{"id": 1}'), 400, 'InvalidInput');
    expectError(
      await inject('POST', '/app/log/public', '{"id": 1, "msg": "x", "extra": 1}'),
      400,
      'InvalidInput',
    );
    expectError(
      await inject('POST', '/app/log/public', '{"id": -1, "msg": "x"}'),
      400,
      'InvalidInput',
    );
    expectError(
      await inject('POST', '/app/log/public', '{"id": 1, "msg": ""}'),
      400,
      'InvalidInput',
    );
    expectError(
      await inject('POST', '/app/log/public', '{"__proto__": {"x": 1}, "id": 1, "msg": "x"}'),
      400,
      'InvalidInput',
    );
    expectError(
      await inject('POST', '/app/log/public', 'id=1', 'text/plain'),
      415,
      'UnsupportedContentType',
    );
    expectError(await inject('GET', '/app/log/public'), 400, 'InvalidInput');
    expectError(await inject('GET', '/app/log/public?id=abc'), 400, 'InvalidInput');
    const big = JSON.stringify({ id: 1, msg: 'a'.repeat(requestBodyBytesMax) });
    expectError(await inject('POST', '/app/log/public', big), 413, 'RequestBodyTooLarge');
    expectError(await inject('GET', '/app/nothing/here'), 404, 'ResourceNotFound');
    const wrongMethod = await inject('PUT', '/app/log/public', '{}');
    expectError(wrongMethod, 405, 'UnsupportedHttpVerb');
    assert.match(String(wrongMethod.headers.allow), /POST/);
    expectError(await inject('GET', '/node/tx'), 400, 'InvalidQueryParameterValue');
    expectError(
      await inject('GET', '/node/tx?transaction_id=01.2'),
      400,
      'InvalidQueryParameterValue',
    );
  });
});
