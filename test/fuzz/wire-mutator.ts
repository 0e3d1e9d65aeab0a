// wire-mutator.ts: the fuzz loop for the node-to-node wire codecs. Half the cases mutate one
// encoded Raft message and decode it: the only accepted outcomes are a FormatError or a message
// whose re-encoding is the input (canonical). The other half mutate a whole frame stream (hello +
// Raft frames), feed it to a FrameDecoder in random chunks and decode every frame's payload: the
// only accepted errors are FormatError and LimitExceededError. Anything else, or a case slower
// than caseMsMax, fails with the seed and the input.
import {
  decodeHello,
  encodeFrame,
  encodeHello,
  FrameDecoder,
  FrameKind,
} from '../../src/codec/frame.js';
import { decodeRaftMessage, encodeRaftMessage } from '../../src/codec/raft-wire.js';
import { FormatError, LimitExceededError } from '../../src/ds/errors.js';
import { SeededRng } from '../../src/ds/rng.js';
import { mutate } from './kv-mutator.js';
import { randomMessage } from './wire-fixtures.js';

/** WireFuzzStats counts outcomes of a fuzz run. */
export interface WireFuzzStats {
  cases: number;
  accepted: number;
  rejected: number;
  framesDecoded: number;
  caseMsMaxSeen: number;
}

/** caseMsMax: a single case taking longer than this counts as a hang. */
const caseMsMax = 2000;
const corpusSize = 300;

function buildStream(rng: SeededRng): Uint8Array {
  const parts = [encodeFrame(FrameKind.hello, encodeHello({ nodeId: 'ab'.repeat(32) }))];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const kind = rng.chance(0.8) ? FrameKind.raft : FrameKind.forwardedRequest;
    parts.push(encodeFrame(kind, encodeRaftMessage(randomMessage(rng, 4, 24))));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** runWireFuzz runs `caseCount` cases from `seed`; `now` is a millisecond clock (injected). */
export function runWireFuzz(seed: number, caseCount: number, now: () => number): WireFuzzStats {
  const rng = new SeededRng(seed);
  const messages = Array.from({ length: corpusSize }, () => encodeRaftMessage(randomMessage(rng)));
  const streams = Array.from({ length: corpusSize / 3 }, () => buildStream(rng));
  const stats: WireFuzzStats = {
    cases: 0,
    accepted: 0,
    rejected: 0,
    framesDecoded: 0,
    caseMsMaxSeen: 0,
  };
  for (let i = 0; i < caseCount; i++) {
    const isStream = i % 2 === 1;
    const base = isStream
      ? streams[rng.int(0, streams.length - 1)]!
      : messages[rng.int(0, messages.length - 1)]!;
    const input = mutate(rng, base);
    const started = now();
    try {
      if (isStream) stats.framesDecoded += runStreamCase(rng, input);
      else runMessageCase(input);
      stats.accepted++;
    } catch (error) {
      if (!(error instanceof FormatError || error instanceof LimitExceededError)) {
        const hex = Buffer.from(input).toString('hex');
        const target = isStream ? 'stream' : 'message';
        throw new Error(
          `wire fuzz seed ${seed} case ${i} (${target}): ${String(error)}; input ${hex}`,
          { cause: error },
        );
      }
      stats.rejected++;
    }
    const elapsedMs = now() - started;
    stats.caseMsMaxSeen = Math.max(stats.caseMsMaxSeen, elapsedMs);
    if (elapsedMs > caseMsMax) throw new Error(`wire fuzz seed ${seed} case ${i}: ${elapsedMs} ms`);
    stats.cases++;
  }
  return stats;
}

/** runMessageCase decodes `input`; on success the input must have been canonical. */
function runMessageCase(input: Uint8Array): void {
  const reencoded = encodeRaftMessage(decodeRaftMessage(input));
  if (Buffer.compare(reencoded, input) !== 0) throw new Error('decoded a non-canonical encoding');
}

/** runStreamCase feeds `input` in random chunks and decodes every payload; returns frame count. */
function runStreamCase(rng: SeededRng, input: Uint8Array): number {
  const decoder = new FrameDecoder();
  let frames = 0;
  let at = 0;
  while (at < input.length) {
    const end = Math.min(input.length, at + rng.int(1, 64));
    decoder.push(input.subarray(at, end));
    at = end;
    for (let f = decoder.next(); f !== null; f = decoder.next()) {
      frames++;
      if (f.kind === FrameKind.hello) decodeHello(f.payload);
      else if (f.kind === FrameKind.raft) runMessageCase(f.payload);
    }
  }
  return frames;
}
