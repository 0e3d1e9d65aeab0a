// Goal: three real founding nodes (files, TLS transport, timers) on loopback elect a primary and
// replicate; a fourth node joins, catches up and becomes a voter; the cluster survives losing the
// primary. Method: in-process runtimes, each with its own workspace sharing one service identity.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNodeRuntime, type NodeRuntime } from '../../src/cli/runtime/node-runtime.js';
import { createNodeIdentity, openServiceWorkspace, type Workspace } from '../../src/cli/runtime/workspace.js';
import { generateKeyPair } from '../../src/crypto/ecdsa.js';
import { utf8 } from '../../src/crypto/encoding.js';
import { createLogger } from '../../src/io/logger.js';
import { admitJoiner } from '../../src/node/join.js';
import { freePorts } from './ports.js';
import { until } from './wait.js';

const timing = {
  tickMs: 5,
  electionTimeoutMsMin: 150,
  electionTimeoutMsMax: 300,
  heartbeatIntervalMs: 25,
  signatureIntervalMs: 10,
  signatureIntervalTxCount: 1000,
  snapshotIntervalTxCount: 200,
};


test('three founders replicate, a fourth joins and votes, the primary can be lost', async () => {
  const root = mkdtempSync(join(tmpdir(), 'consort-cluster-'));
  const logger = createLogger({}, (process.env.LOG_LEVEL as 'debug') ?? 'error');
  const runtimes: NodeRuntime[] = [];
  try {
    const first = await openServiceWorkspace(join(root, 'n0'));
    const workspaces: Workspace[] = [first];
    for (let i = 1; i < 3; i++) {
      const dir = join(root, `n${i}`);
      mkdirSync(join(dir, 'ledger'), { recursive: true });
      for (const f of ['service_cert.pem', 'service_privk.pem', 'ledger_secret']) {
        cpSync(join(first.dir, f), join(dir, f));
      }
      const node = await createNodeIdentity(dir, first.service);
      workspaces.push({ ...first, dir, ledgerDir: join(dir, 'ledger'), node });
    }
    const ports = await freePorts(4);
    const genesisNodes = workspaces.map((w, i) => ({
      id: w.node.id,
      certPem: w.node.certPem,
      nodeAddress: `127.0.0.1:${ports[i]}`,
      rpcAddress: '127.0.0.1:0',
    }));
    for (let i = 0; i < 3; i++) {
      runtimes.push(
        await createNodeRuntime({
          workspace: workspaces[i]!,
          genesisNodes,
          bootstrapPeers: genesisNodes,
          trustJoiners: true,
          host: '127.0.0.1',
          nodePort: ports[i]!,
          timing,
          logger,
        }),
      );
    }
    const primary = (): NodeRuntime | undefined => runtimes.find((r) => r.service.isPrimary());
    await until(() => primary() !== undefined && primary()!.machine.core.commitSeqno >= 3);
    for (let i = 0; i < 300; i++) {
      await primary()!.service.write((tx) => tx.map('public:records').set(utf8(`k${i}`), utf8('v')), {
        waitForCommit: i === 299,
      });
    }
    const commit = primary()!.machine.core.commitSeqno;
    await until(() => runtimes.every((r) => r.machine.committedSeqno >= commit));

    // A fourth node joins through the primary and catches up (from a snapshot: interval 200).
    const joinerDir = join(root, 'n3');
    mkdirSync(join(joinerDir, 'ledger'), { recursive: true });
    const keys = generateKeyPair();
    const response = await admitJoiner(
      primary()!.service,
      {
        serviceCertPem: first.service.certPem,
        serviceKeyPem: first.service.keyPem,
        ledgerSecret: first.ledgerSecret,
        trustJoiners: true,
      },
      { public_key: keys.publicKey.toPem(), node_address: `127.0.0.1:${ports[3]}`, rpc_address: '127.0.0.1:0' },
      { notBefore: new Date('2026-01-01'), notAfter: new Date('2036-01-01') },
    );
    const joiner = await createNodeRuntime({
      workspace: {
        ...first,
        dir: joinerDir,
        ledgerDir: join(joinerDir, 'ledger'),
        node: { id: response.node_id, certPem: response.node_cert, keyPem: keys.privateKey.toPem() },
      },
      genesisNodes: null,
      bootstrapPeers: response.peers.map((p) => ({ id: p.id, nodeAddress: p.node_address })),
      trustJoiners: true,
      host: '127.0.0.1',
      nodePort: ports[3]!,
      timing,
      logger,
    });
    runtimes.push(joiner);
    await until(() => joiner.machine.core.role === 'backup' && joiner.machine.committedSeqno >= commit);
    assert.equal(primary()!.machine.core.configs()[0]!.config.voters.length, 4);

    // Lose the primary: the other three (a majority of four) elect a new one and keep committing.
    const old = primary()!;
    await old.close();
    runtimes.splice(runtimes.indexOf(old), 1);
    await until(() => primary() !== undefined);
    const after = await primary()!.service.write((tx) => tx.map('public:records').set(utf8('after'), utf8('x')), {
      waitForCommit: true,
    });
    assert.equal(after.committed, true);
  } finally {
    for (const r of runtimes) await r.close();
    rmSync(root, { recursive: true, force: true });
  }
});
