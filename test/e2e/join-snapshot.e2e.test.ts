// Goal: a node joins a running service whose ledger holds many entries and catches up through a
// snapshot, becomes a voter and serves the latest values. Method: 3 `consort start` founders with
// --snapshot-interval 20000 and --trust-joiners; E2E_JOIN_ENTRIES logging-app writes (default
// 20,000 in `npm test`; `npm run test:e2e:large` writes 100,000) sent with many requests in flight;
// once the primary has written a snapshot file, `consort join --target <a backup>` (redirected to
// the primary) with its own workspace and ports; then the joiner must be listed as a Trusted
// (voting) node, reach the primary's commit seqno, hold a snapshot file in its ledger directory and
// answer local reads with the newest values (including writes made after it joined).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { E2eCluster, type E2eNode, sleep, until } from './harness/cluster.js';

const entries = Number(process.env.E2E_JOIN_ENTRIES ?? '20000');
const snapshotInterval = 20_000;
const inFlight = 64;

function snapshotFiles(node: E2eNode): string[] {
  return readdirSync(join(node.dir, 'ledger')).filter((f) => /^snapshot_\d+\.committed$/.test(f));
}

describe(`a node joins a service holding ${entries} entries`, { timeout: 300_000 }, () => {
  let cluster: E2eCluster;

  before(async () => {
    cluster = await E2eCluster.create('join', {
      founders: 3,
      joinersMax: 1,
      electionTimeoutMs: 300,
      snapshotInterval,
      trustJoiners: true,
    });
    await cluster.startAll();
  });

  after(async () => {
    await cluster?.destroy();
  });

  test('the joiner catches up from a snapshot, votes and reads the latest values', async () => {
    assert.ok(Number.isSafeInteger(entries) && entries >= snapshotInterval, 'E2E_JOIN_ENTRIES >= snapshot interval');
    const primary = await cluster.waitPrimary();
    const started = performance.now();
    let next = 0;
    let retries = 0;
    const loader = async (): Promise<void> => {
      while (next < entries) {
        const id = next++;
        for (let attempt = 1; ; attempt++) {
          const a = await cluster.client.call('POST', primary.rpcPort, '/app/log/public', {
            body: { id, msg: `v${id}` },
            timeoutMs: 15_000,
          });
          if (a.status === 200) break;
          retries++;
          assert.ok(attempt < 20, `write ${id}: ${a.status} ${a.text} ${a.transportError ?? ''}`);
          await sleep(50 * attempt);
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, loader));
    const last = await cluster.client.write(primary.rpcPort, 0, 'latest-0');
    assert.equal(last.status, 200, last.text);
    const loadMs = performance.now() - started;
    console.log(`join: ${entries} writes in ${loadMs.toFixed(0)} ms (${((entries / loadMs) * 1000).toFixed(0)}/s, ${retries} retries)`);

    await until('a snapshot at the primary', () => (snapshotFiles(primary).length > 0 ? true : null), 30_000, 100);
    const primaryCommit = await cluster.commitSeqno(primary.index);
    assert.ok(primaryCommit !== null && primaryCommit > entries, `commit seqno ${primaryCommit}`);

    const backup = cluster.nodes.find((n) => n.kind === 'founder' && n !== primary)!;
    const joiner = cluster.addJoiner(backup.index);
    const joinStarted = performance.now();
    await cluster.start(joiner.index, 60_000);
    await cluster.waitReady(joiner.index, 120_000);
    await until(
      'the joiner reaches the primary commit seqno',
      async () => ((await cluster.commitSeqno(joiner.index)) ?? 0) >= primaryCommit ? true : null,
      120_000,
      200,
    );
    const caughtUpMs = performance.now() - joinStarted;
    await until(
      'the joiner is a voter (Trusted)',
      async () => {
        const a = await cluster.client.call('GET', (await cluster.waitPrimary()).rpcPort, '/node/network/nodes');
        const nodes = (a.json as { nodes?: { node_id: string; status: string }[] } | undefined)?.nodes ?? [];
        return nodes.some((n) => n.node_id === joiner.id && n.status === 'Trusted') ? true : null;
      },
      30_000,
      200,
    );
    const files = snapshotFiles(joiner);
    console.log(`join: caught up in ${caughtUpMs.toFixed(0)} ms; joiner snapshot files ${JSON.stringify(files)}`);
    assert.ok(files.length > 0, 'the joiner installed a snapshot and wrote it to its ledger directory');

    // Newest values, including writes made after the join, are readable locally on the joiner.
    const newest = new Map<number, string>([[0, 'latest-0']]);
    for (const id of [1, Math.floor(entries / 2), entries - 1]) {
      const msg = `after-join-${id}`;
      const a = await cluster.client.write(joiner.rpcPort, id, msg);
      assert.equal(a.status, 200, `write via the joiner: ${a.text}`);
      newest.set(id, msg);
    }
    for (let id = 7; id < entries; id += Math.max(1, Math.floor(entries / 200))) {
      if (!newest.has(id)) newest.set(id, `v${id}`);
    }
    for (const [id, msg] of newest) {
      await until(
        `local read of ${id} on the joiner`,
        async () => {
          const a = await cluster.client.read(joiner.rpcPort, id, 'local');
          return a.status === 200 && (a.json as { msg: string }).msg === msg ? true : null;
        },
        5_000,
      );
      const lin = await cluster.client.read(joiner.rpcPort, id, 'linearizable');
      assert.deepEqual(lin.json, { msg }, `linearizable read of ${id} via the joiner`);
    }
  });
});
