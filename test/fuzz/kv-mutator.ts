// kv-mutator.ts: a seeded byte-level mutator and the fuzz loop for the kv decoders (write-set
// domains and snapshots). Each case mutates a valid encoding and decodes it; the only accepted
// outcomes are success (and then the input must be canonical: re-encoding gives it back) or a
// FormatError. Any other exception, or a case slower than caseMsMax, fails with the seed.
import { FormatError } from '../../src/ds/errors.js';
import { SeededRng } from '../../src/ds/rng.js';
import { Store } from '../../src/kv/store.js';
import {
  decodeWriteSetDomain,
  serializeWriteSet,
  type WriteSetDomains,
} from '../../src/kv/write-set.js';
import { randomStore, randomWriteSet } from './kv-fixtures.js';

/** Interesting bytes for varints, ops and lengths. */
const interesting = [0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0xfe, 0xff];
/** Byte runs that decode as huge or overlong varints. */
const bigVarints = [
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
  [0x80, 0x00],
];

/** mutate returns a mutated copy of `input` (1–4 random edits). */
export function mutate(rng: SeededRng, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  for (let edits = rng.int(1, 4); edits > 0; edits--) bytes = mutateOnce(rng, bytes);
  return Uint8Array.from(bytes);
}

function mutateOnce(rng: SeededRng, bytes: number[]): number[] {
  const at = rng.int(0, bytes.length);
  const end = Math.min(bytes.length, at + rng.int(1, 16));
  switch (rng.int(0, 8)) {
    case 0:
      if (at < bytes.length) bytes[at]! ^= 1 << rng.int(0, 7);
      return bytes;
    case 1:
      if (at < bytes.length) bytes[at] = rng.int(0, 255);
      return bytes;
    case 2:
      if (at < bytes.length) bytes[at] = interesting[rng.int(0, interesting.length - 1)]!;
      return bytes;
    case 3:
      return [...bytes.slice(0, at), ...bigVarints[rng.int(0, bigVarints.length - 1)]!, ...bytes.slice(at)];
    case 4:
      return [...bytes.slice(0, at), ...bytes.slice(end)];
    case 5:
      return [...bytes.slice(0, end), ...bytes.slice(at, end), ...bytes.slice(end)];
    case 6:
      return bytes.slice(0, at);
    case 7: {
      const junk = Array.from({ length: rng.int(1, 8) }, () => rng.int(0, 255));
      return [...bytes.slice(0, at), ...junk, ...bytes.slice(at)];
    }
    default: {
      const other = rng.int(0, bytes.length);
      const a = bytes[at];
      const b = bytes[other];
      if (a !== undefined && b !== undefined) {
        bytes[at] = b;
        bytes[other] = a;
      }
      return bytes;
    }
  }
}

/** FuzzStats counts outcomes of a fuzz run. */
export interface FuzzStats {
  cases: number;
  accepted: number;
  rejected: number;
  caseMsMaxSeen: number;
}

/** caseMsMax: a single case taking longer than this counts as a hang. */
const caseMsMax = 2000;

type Target = 'writeSet' | 'snapshot';

/**
 * runKvFuzz runs `caseCount` cases from `seed`, alternating write-set and snapshot targets.
 * `now` is a millisecond clock (injected: the fuzz loop itself stays deterministic).
 */
export function runKvFuzz(seed: number, caseCount: number, now: () => number): FuzzStats {
  const rng = new SeededRng(seed);
  const corpus = buildCorpus(rng);
  const stats: FuzzStats = { cases: 0, accepted: 0, rejected: 0, caseMsMaxSeen: 0 };
  for (let i = 0; i < caseCount; i++) {
    const target: Target = i % 2 === 0 ? 'writeSet' : 'snapshot';
    const pool = target === 'writeSet' ? corpus.writeSets : corpus.snapshots;
    const base = pool[rng.int(0, pool.length - 1)]!;
    const input = mutate(rng, base.bytes);
    const started = now();
    try {
      runCase(target, base.domain, input);
      stats.accepted++;
    } catch (error) {
      if (!(error instanceof FormatError)) {
        const hex = Buffer.from(input).toString('hex');
        throw new Error(`kv fuzz seed ${seed} case ${i} (${target}): ${String(error)}; input ${hex}`, {
          cause: error,
        });
      }
      stats.rejected++;
    }
    const elapsedMs = now() - started;
    stats.caseMsMaxSeen = Math.max(stats.caseMsMaxSeen, elapsedMs);
    if (elapsedMs > caseMsMax) throw new Error(`kv fuzz seed ${seed} case ${i}: ${elapsedMs} ms`);
    stats.cases++;
  }
  return stats;
}

/** runCase decodes `input`; on success it checks that the input was canonical. */
function runCase(target: Target, domain: 'public' | 'private', input: Uint8Array): void {
  if (target === 'writeSet') {
    const maps = decodeWriteSetDomain(input, domain);
    const domains: WriteSetDomains = serializeWriteSet({ maps });
    const again = domain === 'public' ? domains.publicBytes : domains.privateBytes;
    if (Buffer.compare(again, input) !== 0) throw new Error('accepted a non-canonical write set');
  } else {
    const store = Store.restore(input);
    const again = store.snapshot(store.seqno);
    if (Buffer.compare(again, input) !== 0) throw new Error('accepted a non-canonical snapshot');
  }
}

interface Seed {
  readonly bytes: Uint8Array;
  readonly domain: 'public' | 'private';
}

function buildCorpus(rng: SeededRng): { writeSets: Seed[]; snapshots: Seed[] } {
  const writeSets: Seed[] = [];
  const snapshots: Seed[] = [];
  const store = new Store();
  for (let i = 0; i < 64; i++) {
    const domains = serializeWriteSet(randomWriteSet(rng, store));
    if (domains.publicBytes.length > 0) writeSets.push({ bytes: domains.publicBytes, domain: 'public' });
    if (domains.privateBytes.length > 0) writeSets.push({ bytes: domains.privateBytes, domain: 'private' });
  }
  for (let i = 0; i < 16; i++) {
    const small = randomStore(rng, rng.int(0, 6));
    snapshots.push({ bytes: small.snapshot(small.seqno), domain: 'private' });
  }
  return { writeSets, snapshots };
}
