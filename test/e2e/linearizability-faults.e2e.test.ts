// Goal: committed writes and linearizable reads stay linearizable while real node processes are
// paused and killed. Method: 3 `consort start` processes (election timeout 300 ms); 6 concurrent
// clients write unique values (wait_for_commit=true) and read (consistency=linearizable) 5 logging
// app ids through whichever nodes are up, for about 14 s, while the primary is paused (SIGSTOP,
// then SIGCONT 3 s later) and then the primary is killed (SIGKILL) and restarted from its
// workspace. Each operation's invoke and response times (monotonic wall clock) are recorded; a
// write that timed out or got a 5xx without a "not applied" code has an unknown fate, an explicit
// "not applied" answer (TransactionRolledBack, PrimaryNotFound, RequestAlreadyForwarded, 409,
// 429) is a failed write. checkLinearizable must find no violation.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { SeededRng } from '../../src/ds/rng.js';
import {
  checkLinearizable,
  describeOp,
  type KvHistoryOp,
  type KvOpResult,
} from '../sim/checkers/linearizability.js';
import { type Answer, errorCodeOf } from './harness/client.js';
import { E2eCluster, sleep } from './harness/cluster.js';

const clientsCount = 6;
const keys = [1, 2, 3, 4, 5];
const requestTimeoutMs = 3_000;
/** Error codes that mean the write was definitely not applied (src/http/errors.ts). */
const notApplied = new Set(['TransactionRolledBack', 'PrimaryNotFound', 'RequestAlreadyForwarded', 'TransactionConflict', 'TooManyPendingTransactions', 'TooManyPendingForwards', 'InvalidInput']);

/** writeResult: ok, definitely failed, or null (unknown fate). */
function writeResult(a: Answer): KvOpResult | null {
  if (a.status === 200) return { ok: true };
  const code = errorCodeOf(a);
  if (a.status >= 400 && a.status < 600 && code !== null && notApplied.has(code)) return { ok: false };
  return null;
}

/** readResult: the value read (null = absent), or undefined when the read has no answer. */
function readResult(a: Answer): string | null | undefined {
  if (a.status === 200) return (a.json as { msg: string }).msg;
  if (a.status === 404 && errorCodeOf(a) === 'ResourceNotFound') return null;
  return undefined;
}

describe('linearizability with paused and killed processes', { timeout: 150_000 }, () => {
  let cluster: E2eCluster;

  before(async () => {
    cluster = await E2eCluster.create('linz', { founders: 3, electionTimeoutMs: 300 });
    await cluster.startAll();
  });

  after(async () => {
    await cluster?.destroy();
  });

  test('a history under SIGSTOP/SIGCONT and SIGKILL/restart of the primary is linearizable', async () => {
    await cluster.waitPrimary();
    const t0 = performance.now();
    const now = (): number => Math.round((performance.now() - t0) * 1000) / 1000;
    const history: KvHistoryOp[] = [];
    const tally = { writesOk: 0, writesFailed: 0, writesUnknown: 0, reads: 0, readsUnanswered: 0 };
    const codes = new Map<string, number>();
    let stopping = false;
    let opId = 0;

    const client = async (c: number): Promise<void> => {
      const rng = new SeededRng(1000 + c);
      for (let n = 0; !stopping; n++) {
        const live = cluster.live();
        if (live.length === 0) {
          await sleep(20);
          continue;
        }
        const node = live[rng.int(0, live.length - 1)]!;
        const id = keys[rng.int(0, keys.length - 1)]!;
        const invokeTime = now();
        if (rng.next() < 0.5) {
          const value = `c${c}.${n}`;
          const a = await cluster.client.write(node.rpcPort, id, value, requestTimeoutMs);
          const result = writeResult(a);
          const label = a.status === 0 ? 'transport' : `${a.status} ${errorCodeOf(a) ?? ''}`;
          codes.set(label, (codes.get(label) ?? 0) + 1);
          if (result === null) tally.writesUnknown++;
          else if (result.ok) tally.writesOk++;
          else tally.writesFailed++;
          history.push({
            id: opId++,
            clientId: c,
            kind: 'put',
            key: String(id),
            value,
            invokeTime,
            responseTime: result === null ? null : now(),
            result: result ?? { ok: false },
          });
          if (result === null || !result.ok) await sleep(20);
        } else {
          const a = await cluster.client.read(node.rpcPort, id, 'linearizable', requestTimeoutMs);
          const value = readResult(a);
          if (value === undefined) {
            tally.readsUnanswered++;
            await sleep(20);
            continue;
          }
          tally.reads++;
          history.push({
            id: opId++,
            clientId: c,
            kind: 'get',
            key: String(id),
            invokeTime,
            responseTime: now(),
            result: { ok: true, value },
          });
        }
      }
    };

    const clients = Array.from({ length: clientsCount }, (_, c) => client(c));
    const faults: string[] = [];
    try {
      await sleep(2_500);
      const paused = await cluster.waitPrimary();
      cluster.pause(paused.index);
      faults.push(`${now().toFixed(0)} ms: SIGSTOP primary node${paused.index}`);
      await sleep(3_000);
      cluster.resume(paused.index);
      faults.push(`${now().toFixed(0)} ms: SIGCONT node${paused.index}`);
      await sleep(2_000);
      const killed = await cluster.waitPrimary();
      await cluster.kill9(killed.index);
      faults.push(`${now().toFixed(0)} ms: SIGKILL primary node${killed.index}`);
      await sleep(2_000);
      await cluster.start(killed.index);
      faults.push(`${now().toFixed(0)} ms: node${killed.index} restarted`);
      await sleep(3_500);
    } finally {
      stopping = true;
      await Promise.all(clients);
    }
    console.log(`linearizability: faults ${JSON.stringify(faults)}`);
    console.log(`linearizability: ${history.length} ops ${JSON.stringify(tally)} writes ${JSON.stringify(Object.fromEntries(codes))}`);

    assert.ok(tally.writesOk >= 50, `enough committed writes (${tally.writesOk})`);
    assert.ok(tally.reads >= 50, `enough linearizable reads (${tally.reads})`);
    const started = performance.now();
    const result = checkLinearizable(history);
    console.log(`linearizability: checked in ${(performance.now() - started).toFixed(0)} ms`);
    if (result.ok === false) {
      assert.fail(`${result.message}\n${result.ops.map(describeOp).join('\n')}`);
    }
    assert.equal(result.ok, true, result.ok === 'unknown' ? result.reason : '');

    // The check can fail: the same history plus one read that returns a committed value before
    // the write of that value was even invoked is rejected.
    const write = history.find((op) => op.kind === 'put' && op.result.ok && op.responseTime !== null && op.invokeTime > 100)!;
    const early: KvHistoryOp = { id: opId++, clientId: 99, kind: 'get', key: write.key, invokeTime: 0, responseTime: write.invokeTime / 2, result: { ok: true, value: write.value! } };
    assert.equal(checkLinearizable([...history, early]).ok, false, 'a planted stale read is caught');

    // Every node, the restarted one included, answers linearizable reads after the faults.
    await cluster.waitPrimary();
    for (const node of cluster.nodes) {
      for (const id of keys) {
        const a = await cluster.client.read(node.rpcPort, id, 'linearizable');
        assert.ok(a.status === 200 || a.status === 404, `read ${id} at node${node.index} after the faults: ${a.status} ${a.text}`);
      }
    }
  });
});
