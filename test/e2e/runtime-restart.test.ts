// Goal: a real node (ledger files with fsync, TLS transport, timers) commits writes, survives a
// restart from its workspace, and keeps state and receipts. Method: in-process runtimes over a
// temporary workspace on loopback, closed and reopened.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNodeRuntime, type NodeRuntime } from '../../src/cli/runtime/node-runtime.js';
import { openServiceWorkspace } from '../../src/cli/runtime/workspace.js';
import { utf8 } from '../../src/crypto/encoding.js';
import { createLogger } from '../../src/io/logger.js';
import { bytesToString } from '../../src/kv/values.js';
import { ReceiptVerifier } from '../../src/receipt/verify-receipt.js';
import { until } from './wait.js';

const timing = {
  tickMs: 5,
  electionTimeoutMsMin: 100,
  electionTimeoutMsMax: 200,
  heartbeatIntervalMs: 20,
  signatureIntervalMs: 10,
  signatureIntervalTxCount: 1000,
  snapshotIntervalTxCount: 50,
};


test('a single node commits, restarts from its workspace and keeps state and receipts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'consort-rt-'));
  const logger = createLogger({}, 'warn');
  try {
    const workspace = await openServiceWorkspace(dir);
    const genesisNodes = [
      { id: workspace.node.id, certPem: workspace.node.certPem, nodeAddress: '127.0.0.1:0', rpcAddress: '127.0.0.1:0' },
    ];
    const open = (): Promise<NodeRuntime> =>
      createNodeRuntime({
        workspace,
        genesisNodes,
        bootstrapPeers: genesisNodes,
        trustJoiners: false,
        host: '127.0.0.1',
        nodePort: 0,
        timing,
        logger,
      });
    let rt = await open();
    await until(() => rt.service.isPrimary() && rt.machine.core.commitSeqno > 2);
    const outcomes = [];
    for (let i = 0; i < 120; i++) {
      outcomes.push(
        await rt.service.write((tx) => tx.map('public:records').set(utf8(`k${i}`), utf8(`v${i}`)), {
          waitForCommit: i % 10 === 0,
        }),
      );
    }
    const last = outcomes[outcomes.length - 1]!.txId!;
    await until(() => rt.service.status(last) === 'Committed');
    const receiptBefore = rt.service.receipt(last);
    assert.ok(receiptBefore.ok);
    await rt.close();

    rt = await open();
    await until(() => rt.service.isPrimary() && rt.machine.core.commitSeqno >= last.seqno);
    const value = rt.service.readLocal((tx) => tx.map('public:records').get(utf8('k119')));
    assert.equal(bytesToString(value!), 'v119');
    assert.equal(rt.service.status(last), 'Committed');
    const verifier = new ReceiptVerifier(workspace.service.certPem);
    const v = verifier.verify(JSON.parse(JSON.stringify(receiptBefore.receipt)));
    assert.ok(v.ok, v.ok ? '' : v.reason.message);
    const again = rt.service.receipt(last);
    if (again.ok) assert.equal(verifier.verify(JSON.parse(JSON.stringify(again.receipt))).ok, true);
    await rt.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
