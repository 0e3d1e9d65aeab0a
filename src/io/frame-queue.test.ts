// Goal: FrameQueue keeps FIFO order and refuses (and counts) frames beyond its count and byte
// bounds; backoffDelayMs grows exponentially, stays capped and jitters within [base/2, base].
// Method: direct calls with fixed "random" values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameKind } from '../codec/frame.js';
import { backoffDelayMs } from './backoff.js';
import { FrameQueue } from './frame-queue.js';

test('FrameQueue: FIFO within bounds, drops counted', () => {
  const q = new FrameQueue(3, 10);
  for (let i = 0; i < 3; i++)
    assert.ok(q.push({ kind: FrameKind.raft, payload: Uint8Array.of(i) }));
  assert.equal(q.push({ kind: FrameKind.raft, payload: Uint8Array.of(9) }), false);
  assert.equal(q.droppedCount, 1);
  assert.deepEqual(q.shift()!.payload, Uint8Array.of(0));
  assert.equal(q.push({ kind: FrameKind.raft, payload: new Uint8Array(9) }), false, 'byte bound');
  assert.ok(q.push({ kind: FrameKind.raft, payload: new Uint8Array(8) }));
  assert.equal(q.sizeBytes, 10);
  assert.deepEqual(
    [q.shift()!.payload[0], q.shift()!.payload[0], q.shift()!.payload.length],
    [1, 2, 8],
  );
  assert.equal(q.shift(), undefined);
  assert.equal(q.count, 0);
  // Interleaved pushes and shifts across the compaction threshold keep FIFO order.
  const big = new FrameQueue(5000, 1e9);
  let pushed = 0;
  let shifted = 0;
  for (let round = 0; round < 3; round++) {
    for (let j = 0; j < 2000; j++)
      big.push({ kind: FrameKind.raft, payload: Uint8Array.of(pushed++ & 255) });
    for (let j = 0; j < 1500; j++) assert.equal(big.shift()!.payload[0], shifted++ & 255);
  }
  assert.equal(big.count, pushed - shifted);
});

test('backoffDelayMs: exponential, capped, jittered', () => {
  const range = { delayMsMin: 50, delayMsMax: 5000 };
  assert.equal(
    backoffDelayMs(0, range, () => 0),
    25,
  );
  assert.equal(
    backoffDelayMs(0, range, () => 0.999999),
    49,
  );
  assert.equal(
    backoffDelayMs(3, range, () => 0),
    200,
  );
  assert.equal(
    backoffDelayMs(10, range, () => 0),
    2500,
  );
  assert.equal(
    backoffDelayMs(1000, range, () => 0.999999),
    4999,
  );
});
