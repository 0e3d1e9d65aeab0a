// Wire benchmark (issue 4 §1): Raft wire codec encode/decode rates for AppendEntries with
// 1,000 × 256-byte entries and for small messages, then transport throughput between two
// transports on 127.0.0.1 (mutual TLS 1.3), for 256 KiB AppendEntries frames and for small frames.
// Prints a table and writes bench/results/wire-<date>.json.
//
// Usage: npm run bench:wire [-- --seconds=2]
import { mkdirSync, writeFileSync } from 'node:fs';
import { FrameKind } from '../src/codec/frame.js';
import {
  decodeRaftMessage,
  encodeRaftMessage,
  type WireRaftMessage,
} from '../src/codec/raft-wire.js';
import { SeededRng } from '../src/ds/rng.js';
import { createNodeTransport, type NodeTransport } from '../src/io/node-transport.js';
import { createTestService } from '../src/io/pki.test-helper.js';
import { appendEntriesBatch } from '../test/fuzz/wire-fixtures.js';

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

const seconds = Number(option('seconds') ?? 2);
const mib = 1024 * 1024;

/** timeLoop runs `body` for about `seconds` and returns iterations and elapsed ms. */
function timeLoop(body: () => void): { iterations: number; elapsedMs: number } {
  for (let i = 0; i < 50; i++) body(); // warm-up
  const started = performance.now();
  let iterations = 0;
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 20; i++) body();
    iterations += 20;
  }
  return { iterations, elapsedMs: performance.now() - started };
}

function benchCodec(m: WireRaftMessage): Record<string, number> {
  const bytes = encodeRaftMessage(m);
  const enc = timeLoop(() => encodeRaftMessage(m));
  const dec = timeLoop(() => decodeRaftMessage(bytes));
  const encodeMsPerMessage = enc.elapsedMs / enc.iterations;
  const decodeMsPerMessage = dec.elapsedMs / dec.iterations;
  const toMiBPerSec = (msPer: number): number => bytes.length / mib / (msPer / 1000);
  return {
    messageBytes: bytes.length,
    encodeMessagesPerSec: 1000 / encodeMsPerMessage,
    decodeMessagesPerSec: 1000 / decodeMsPerMessage,
    encodeMiBPerSec: toMiBPerSec(encodeMsPerMessage),
    decodeMiBPerSec: toMiBPerSec(decodeMsPerMessage),
    encodeDecodeMiBPerSec: toMiBPerSec(encodeMsPerMessage + decodeMsPerMessage),
  };
}

async function pair(): Promise<{
  a: NodeTransport;
  b: NodeTransport;
  bId: string;
  received: () => number;
}> {
  const service = await createTestService();
  const [idA, idB] = [await service.endorse(), await service.endorse()];
  const common = { serviceCertPem: service.certPem, listenHost: '127.0.0.1', listenPort: 0 };
  const a = await createNodeTransport({ ...idA, ...common });
  const b = await createNodeTransport({ ...idB, ...common });
  let count = 0;
  b.onMessage((_from, _kind, payload) => {
    decodeRaftMessage(payload);
    count++;
  });
  a.setPeers(new Map([[idB.nodeId, { host: '127.0.0.1', port: b.port }]]));
  return { a, b, bId: idB.nodeId, received: () => count };
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** benchTransport sends `count` copies of `payload` from a to b and waits for all of them. */
async function benchTransport(payload: Uint8Array, count: number): Promise<Record<string, number>> {
  const { a, b, bId, received } = await pair();
  a.send(bId, FrameKind.raft, payload);
  while (received() < 1) await yieldToLoop(); // connected and warmed up
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    if (a.send(bId, FrameKind.raft, payload)) sent++;
    else await yieldToLoop(); // queue full: let the socket drain
    if (sent % 256 === 0) await yieldToLoop();
  }
  while (received() < count + 1) await yieldToLoop();
  const elapsedMs = performance.now() - started;
  await Promise.all([a.close(), b.close()]);
  return {
    payloadBytes: payload.length,
    messages: count,
    messagesPerSec: count / (elapsedMs / 1000),
    miBPerSec: (count * payload.length) / mib / (elapsedMs / 1000),
    elapsedMs,
  };
}

const rng = new SeededRng(1);
const batch = appendEntriesBatch(rng, 1000, 256);
const response: WireRaftMessage = {
  type: 'AppendEntriesResponse',
  view: 7,
  success: true,
  lastSeqno: 1_001_000,
  context: 42,
};
const codecBatch = benchCodec(batch);
const codecSmall = benchCodec(response);
const transportBatch = await benchTransport(encodeRaftMessage(batch), 2000);
const transportSmall = await benchTransport(encodeRaftMessage(response), 200_000);

const fmt = (n: number | undefined): string => (n === undefined ? '' : n.toFixed(0).padStart(12));
console.log(`wire bench (node ${process.version}, ${seconds} s per codec measurement)`);
const header = (cols: readonly string[]): string =>
  ''.padEnd(40) + cols.map((c) => c.padStart(12)).join('');
console.log(
  header(['msg bytes', 'enc msgs/s', 'dec msgs/s', 'enc MiB/s', 'dec MiB/s', 'e+d MiB/s']),
);
for (const [name, r] of [
  ['codec AppendEntries 1000 x 256 B', codecBatch],
  ['codec AppendEntriesResponse', codecSmall],
] as const) {
  console.log(
    name.padEnd(40) +
      [r.messageBytes, r.encodeMessagesPerSec, r.decodeMessagesPerSec].map(fmt).join('') +
      [r.encodeMiBPerSec, r.decodeMiBPerSec, r.encodeDecodeMiBPerSec].map(fmt).join(''),
  );
}
console.log(header(['msg bytes', 'messages', 'msgs/s', 'MiB/s']));
for (const [name, r] of [
  ['transport AppendEntries (TLS loopback)', transportBatch],
  ['transport small (TLS loopback)', transportSmall],
] as const) {
  console.log(
    name.padEnd(40) + [r.payloadBytes, r.messages, r.messagesPerSec, r.miBPerSec].map(fmt).join(''),
  );
}

const date = new Date().toISOString().slice(0, 10);
mkdirSync('bench/results', { recursive: true });
const out = `bench/results/wire-${date}.json`;
const result = {
  date,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  codec: { appendEntries1000x256: codecBatch, appendEntriesResponse: codecSmall },
  transport: { appendEntries1000x256: transportBatch, small: transportSmall },
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
