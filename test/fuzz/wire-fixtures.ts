// wire-fixtures.ts: seeded random Raft messages (every variant, edge-case integers, config entries,
// multi-byte node ids) for the wire codec's property tests, fuzzers and benchmark.
import type {
  WireConfiguration,
  WireLogEntry,
  WireRaftMessage,
} from '../../src/codec/raft-wire.js';
import type { SeededRng } from '../../src/ds/rng.js';

/** Integers that exercise every varint length boundary. */
const edgeIntegers = [
  0,
  1,
  127,
  128,
  16_383,
  16_384,
  2 ** 21,
  2 ** 32 - 1,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
];

/** randomIndex returns a small, boundary or large non-negative safe integer. */
export function randomIndex(rng: SeededRng): number {
  const pick = rng.int(0, 3);
  if (pick === 0) return rng.int(0, 200);
  if (pick === 1) return edgeIntegers[rng.int(0, edgeIntegers.length - 1)]!;
  if (pick === 2) return rng.int(0, 0xffff_ffff);
  return rng.int(0, 2 ** 20) * 2 ** 30 + rng.int(0, 2 ** 30 - 1);
}

/** randomBytes fills a fresh array of `length` bytes. */
export function randomBytes(rng: SeededRng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(0, 255);
  return out;
}

const idAlphabet = ['a', 'f', '0', '9', 'é', '節', '🙂'];

function randomNodeId(rng: SeededRng): string {
  if (rng.chance(0.5)) return `n${rng.int(0, 9)}`;
  let id = '';
  for (let i = rng.int(1, 12); i > 0; i--) id += idAlphabet[rng.int(0, idAlphabet.length - 1)];
  return id;
}

/** randomConfiguration returns a small configuration (possibly empty lists). */
export function randomConfiguration(rng: SeededRng): WireConfiguration {
  const voters = Array.from({ length: rng.int(0, 5) }, () => randomNodeId(rng));
  const learners = Array.from({ length: rng.int(0, 2) }, () => randomNodeId(rng));
  return { voters, learners };
}

function randomEntry(rng: SeededRng, seqno: number, dataBytesMax: number): WireLogEntry {
  const view = randomIndex(rng);
  const data = randomBytes(rng, rng.int(0, dataBytesMax));
  const k = rng.int(0, 5);
  if (k === 0) return { view, seqno, kind: 'config', data, config: randomConfiguration(rng) };
  return { view, seqno, kind: k === 1 ? 'signature' : 'data', data };
}

/** randomMessage returns a random message of any type (small payloads, for property tests). */
export function randomMessage(
  rng: SeededRng,
  entriesCountMax = 6,
  dataBytesMax = 40,
): WireRaftMessage {
  const view = randomIndex(rng);
  switch (rng.int(0, 5)) {
    case 0:
      return {
        type: 'RequestVote',
        view,
        preVote: rng.chance(0.5),
        lastSignature: { view: randomIndex(rng), seqno: randomIndex(rng) },
        lastEntry: { view: randomIndex(rng), seqno: randomIndex(rng) },
      };
    case 1:
      return {
        type: 'RequestVoteResponse',
        view,
        preVote: rng.chance(0.5),
        granted: rng.chance(0.5),
      };
    case 2: {
      const prevSeqno = rng.int(0, 1_000_000);
      const entries = Array.from({ length: rng.int(0, entriesCountMax) }, (_, i) =>
        randomEntry(rng, prevSeqno + 1 + i, dataBytesMax),
      );
      const commitSeqno = randomIndex(rng);
      return {
        type: 'AppendEntries',
        view,
        prevSeqno,
        prevView: randomIndex(rng),
        entries,
        commitSeqno,
        context: randomIndex(rng),
      };
    }
    case 3:
      return {
        type: 'AppendEntriesResponse',
        view,
        success: rng.chance(0.5),
        lastSeqno: randomIndex(rng),
        context: randomIndex(rng),
      };
    case 4: {
      const configs = Array.from({ length: rng.int(0, 3) }, () => ({
        seqno: randomIndex(rng),
        config: randomConfiguration(rng),
      }));
      const snapshot = {
        seqno: randomIndex(rng),
        view: randomIndex(rng),
        configs,
        data: randomBytes(rng, rng.int(0, dataBytesMax * 4)),
      };
      return { type: 'InstallSnapshot', view, snapshot };
    }
    default:
      return { type: 'InstallSnapshotResponse', view, seqno: randomIndex(rng) };
  }
}

/** appendEntriesBatch returns an AppendEntries with `count` data entries of `dataBytes` each. */
export function appendEntriesBatch(
  rng: SeededRng,
  count: number,
  dataBytes: number,
): WireRaftMessage {
  const prevSeqno = 1_000_000;
  const entries: WireLogEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({
      view: 7,
      seqno: prevSeqno + 1 + i,
      kind: 'data',
      data: randomBytes(rng, dataBytes),
    });
  }
  return {
    type: 'AppendEntries',
    view: 7,
    prevSeqno,
    prevView: 7,
    entries,
    commitSeqno: prevSeqno - 10,
    context: 42,
  };
}
