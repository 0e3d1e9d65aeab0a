// Goal: the node transport delivers wire-encoded Raft messages between mutually authenticated
// nodes, survives a peer restart, refuses peers the service did not endorse or whose hello lies,
// bounds its queues, and close() leaves no handle behind. Method: real transports on 127.0.0.1
// port 0 with throw-away PKI (pki.test-helper.ts), raw node:tls clients for the rogue cases, and
// polling for outcomes (no fixed sleeps longer than a few ms).
import assert from 'node:assert/strict';
import { connect, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { encodeFrame, encodeHello, FrameKind } from '../codec/frame.js';
import { decodeRaftMessage, encodeRaftMessage, type WireRaftMessage } from '../codec/raft-wire.js';
import { createNodeTransport, type NodeTransport } from './node-transport.js';
import {
  createSelfSignedNode,
  createTestService,
  type TestNodeIdentity,
  type TestService,
} from './pki.test-helper.js';
import type { TransportLogEvent } from './transport-context.js';

interface Received {
  readonly from: string;
  readonly kind: number;
  readonly payload: Uint8Array;
}

interface Harness {
  readonly transport: NodeTransport;
  readonly received: Received[];
  readonly logs: TransportLogEvent[];
}

const fastLimits = {
  reconnectDelayMsMin: 10,
  reconnectDelayMsMax: 80,
  connectTimeoutMs: 2000,
  helloTimeoutMs: 2000,
};
const open: NodeTransport[] = [];

async function start(
  id: TestNodeIdentity,
  service: TestService,
  port = 0,
  limits = {},
): Promise<Harness> {
  const received: Received[] = [];
  const logs: TransportLogEvent[] = [];
  const transport = await createNodeTransport({
    ...id,
    serviceCertPem: service.certPem,
    listenHost: '127.0.0.1',
    listenPort: port,
    logger: (e) => logs.push(e),
    limits: { ...fastLimits, ...limits },
  });
  transport.onMessage((from, kind, payload) => received.push({ from, kind, payload }));
  open.push(transport);
  return { transport, received, logs };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** settle lets libuv release handles closed in the previous turn (they linger one iteration). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

function peersOf(
  entries: readonly [TestNodeIdentity, Harness][],
): Map<string, { host: string; port: number }> {
  return new Map(
    entries.map(([id, h]) => [id.nodeId, { host: '127.0.0.1', port: h.transport.port }]),
  );
}

function vote(view: number): WireRaftMessage {
  return {
    type: 'RequestVote',
    view,
    preVote: false,
    lastSignature: { view: 1, seqno: 3 },
    lastEntry: { view: 1, seqno: 4 },
  };
}

/** rawClient opens a TLS connection with `id`'s certificate and sends `frames` once connected. */
function rawClient(
  id: TestNodeIdentity,
  caPem: string,
  port: number,
  frames: Uint8Array[],
): Promise<void> {
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host: '127.0.0.1',
      port,
      key: id.keyPem,
      cert: id.certPem,
      ca: [caPem],
      minVersion: 'TLSv1.3',
      rejectUnauthorized: false, // this test client does not care who the server is
    });
    socket.on('secureConnect', () => {
      for (const f of frames) socket.write(f);
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

describe('node transport', () => {
  let service: TestService;
  const ids: TestNodeIdentity[] = [];

  before(async () => {
    service = await createTestService();
    for (let i = 0; i < 4; i++) ids.push(await service.endorse(`CN=node${i}`));
  });

  after(async () => {
    await Promise.all(open.map((t) => t.close()));
    await settle();
    const leaked = process.getActiveResourcesInfo().filter((r) => /TCP|TLS|Timeout/.test(r));
    assert.deepEqual(leaked, [], 'no sockets or servers left open');
  });

  test('three transports exchange encoded Raft messages, tagged with the sender', async () => {
    const hs = await Promise.all(ids.slice(0, 3).map((id) => start(id, service)));
    const pairs = ids.slice(0, 3).map((id, i) => [id, hs[i]!] as [TestNodeIdentity, Harness]);
    for (const h of hs) h.transport.setPeers(peersOf(pairs));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        if (i === j) continue;
        assert.ok(
          hs[i]!.transport.send(
            ids[j]!.nodeId,
            FrameKind.raft,
            encodeRaftMessage(vote(10 * i + j)),
          ),
        );
      }
    }
    await waitFor('6 messages', () => hs.every((h) => h.received.length === 2));
    for (let j = 0; j < 3; j++) {
      for (const r of hs[j]!.received) {
        const i = ids.findIndex((id) => id.nodeId === r.from);
        assert.ok(i >= 0 && i !== j);
        assert.equal(r.kind, FrameKind.raft);
        assert.deepEqual(decodeRaftMessage(r.payload), vote(10 * i + j));
      }
    }
    await Promise.all(hs.map((h) => h.transport.close()));
  });

  test('a peer restarts: the sender reconnects and delivers later messages', async () => {
    const a = await start(ids[0]!, service);
    let b = await start(ids[1]!, service);
    const port = b.transport.port;
    a.transport.setPeers(new Map([[ids[1]!.nodeId, { host: '127.0.0.1', port }]]));
    a.transport.send(ids[1]!.nodeId, FrameKind.raft, encodeRaftMessage(vote(1)));
    await waitFor('first message', () => b.received.length === 1);
    await b.transport.close();
    await waitFor('a notices', () => a.transport.peerStatus(ids[1]!.nodeId)?.connected === false);
    assert.ok(a.transport.send(ids[1]!.nodeId, FrameKind.raft, encodeRaftMessage(vote(2))));
    b = await start(ids[1]!, service, port);
    assert.ok(a.transport.send(ids[1]!.nodeId, FrameKind.raft, encodeRaftMessage(vote(3))));
    await waitFor('later messages', () => b.received.length === 2);
    assert.deepEqual(
      b.received.map((r) => decodeRaftMessage(r.payload).view),
      [2, 3],
    );
    assert.ok(a.logs.some((e) => e.event === 'disconnected'));
    await Promise.all([a.transport.close(), b.transport.close()]);
  });

  test('clients with certificates the service did not endorse are refused', async () => {
    const a = await start(ids[0]!, service);
    const self = await createSelfSignedNode();
    const otherService = await createTestService('CN=Another service');
    const foreign = await otherService.endorse();
    for (const [id, ca] of [
      [self, service.certPem],
      [foreign, service.certPem],
    ] as const) {
      const hello = encodeFrame(FrameKind.hello, encodeHello({ nodeId: id.nodeId }));
      await rawClient(id, ca, a.transport.port, [
        hello,
        encodeFrame(FrameKind.raft, encodeRaftMessage(vote(9))),
      ]);
    }
    await waitFor('two refusals', () => a.transport.counters().incomingRefused === 2);
    assert.equal(a.received.length, 0);
    assert.equal(
      a.logs.filter((e) => e.event === 'incomingRefused' && e.remoteAddress !== undefined).length,
      2,
    );
    await a.transport.close();
  });

  test('a hello whose node id does not match the certificate is refused', async () => {
    const a = await start(ids[0]!, service);
    const liar = ids[2]!;
    const hello = encodeFrame(FrameKind.hello, encodeHello({ nodeId: ids[3]!.nodeId }));
    await rawClient(liar, service.certPem, a.transport.port, [
      hello,
      encodeFrame(FrameKind.raft, encodeRaftMessage(vote(9))),
    ]);
    // A first frame that is not a hello is refused too.
    await rawClient(liar, service.certPem, a.transport.port, [
      encodeFrame(FrameKind.raft, encodeRaftMessage(vote(9))),
    ]);
    await waitFor('refusals', () => a.transport.counters().incomingRefused === 2);
    const reasons = a.logs.filter((e) => e.event === 'incomingRefused').map((e) => e.reason ?? '');
    assert.match(reasons[0]!, /hello names node/);
    assert.match(reasons[1]!, /not hello/);
    assert.equal(a.received.length, 0);
    await a.transport.close();
  });

  test('the dialler refuses a listener that is not the peer it expects', async () => {
    const a = await start(ids[0]!, service);
    const c = await start(ids[2]!, service);
    // a believes node 1 listens where node 2 does.
    a.transport.setPeers(
      new Map([[ids[1]!.nodeId, { host: '127.0.0.1', port: c.transport.port }]]),
    );
    a.transport.send(ids[1]!.nodeId, FrameKind.raft, encodeRaftMessage(vote(5)));
    await waitFor('outgoing refusal', () => a.transport.counters().outgoingRefused >= 1);
    assert.match(a.logs.find((e) => e.event === 'outgoingRefused')!.reason!, /listener is node/);
    assert.equal(c.received.length, 0);
    await Promise.all([a.transport.close(), c.transport.close()]);
  });

  test('the per-peer queue drops (and counts) frames while the peer is down', async () => {
    const dead = await start(ids[1]!, service);
    const deadPort = dead.transport.port;
    await dead.transport.close();
    const a = await start(ids[0]!, service, 0, { queueCountMax: 5, queueBytesMax: 1000 });
    a.transport.setPeers(new Map([[ids[1]!.nodeId, { host: '127.0.0.1', port: deadPort }]]));
    const results = Array.from({ length: 10 }, (_, i) =>
      a.transport.send(ids[1]!.nodeId, FrameKind.raft, Uint8Array.of(i)),
    );
    assert.deepEqual(results, [true, true, true, true, true, false, false, false, false, false]);
    assert.equal(a.transport.peerStatus(ids[1]!.nodeId)!.droppedCount, 5);
    assert.equal(a.transport.counters().framesDroppedQueueFull, 5);
    // Unknown peers are refused and counted separately; the byte bound applies too.
    assert.equal(a.transport.send(ids[3]!.nodeId, FrameKind.raft, Uint8Array.of(1)), false);
    assert.equal(a.transport.counters().framesDroppedUnknownPeer, 1);
    const b = await start(ids[2]!, service, 0, { queueBytesMax: 1000 });
    b.transport.setPeers(new Map([[ids[1]!.nodeId, { host: '127.0.0.1', port: deadPort }]]));
    assert.equal(b.transport.send(ids[1]!.nodeId, FrameKind.raft, new Uint8Array(600)), true);
    assert.equal(b.transport.send(ids[1]!.nodeId, FrameKind.raft, new Uint8Array(600)), false);
    await waitFor('a retry', () => a.transport.counters().connectFailures >= 2);
    await Promise.all([a.transport.close(), b.transport.close()]);
  });

  test('close() releases the listener, every socket and every timer', async () => {
    const hs = await Promise.all(ids.slice(0, 2).map((id) => start(id, service)));
    const pairs = ids.slice(0, 2).map((id, i) => [id, hs[i]!] as [TestNodeIdentity, Harness]);
    for (const h of hs) h.transport.setPeers(peersOf(pairs));
    hs[0]!.transport.send(ids[1]!.nodeId, FrameKind.forwardedRequest, Uint8Array.of(7));
    await waitFor('delivery', () => hs[1]!.received.length === 1);
    assert.equal(hs[1]!.received[0]!.kind, FrameKind.forwardedRequest);
    await Promise.all(hs.map((h) => h.transport.close()));
    await Promise.all(open.map((t) => t.close()));
    await settle();
    const active = process.getActiveResourcesInfo().filter((r) => /TCP|TLS|Timeout/.test(r));
    assert.deepEqual(active, []);
  });
});
