// Malformed messages: garbage the core must reject with step() -> {ok:false} and never throw on.
// Every message built here is structurally invalid (wrong type tag, wrong field types, non-integer
// or unsafe numbers, missing fields, bad entries), so accepting one is a bug in the core's validation.
import type { SeededRng } from '../../src/ds/rng.js';

/** MalformedMessage is a garbage message and the sender it claims (possibly unknown). */
export interface MalformedMessage {
  readonly from: string;
  readonly message: unknown;
  readonly label: string;
}

const BAD_NUMBERS: readonly unknown[] = [
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53 + 2,
  1e300,
  '7',
  null,
  undefined,
  {},
];

type Builder = (rng: SeededRng, bad: unknown) => { message: unknown; label: string };

const txId = { view: 1, seqno: 1 };

const BUILDERS: readonly Builder[] = [
  (rng) => {
    const junk: readonly unknown[] = [null, 42, 'AppendEntries', [], true, new Uint8Array(3)];
    return { message: junk[rng.int(0, junk.length - 1)], label: 'not-an-object' };
  },
  () => ({ message: { type: 'Bogus', view: 1 }, label: 'unknown-type' }),
  (_rng, bad) => ({
    message: { type: 'RequestVote', view: bad, preVote: false, lastSignature: txId, lastEntry: txId },
    label: 'RequestVote.view',
  }),
  (_rng, bad) => ({
    message: { type: 'RequestVote', view: 1, preVote: 'no', lastSignature: bad, lastEntry: txId },
    label: 'RequestVote.fields',
  }),
  (_rng, bad) => ({
    message: { type: 'RequestVoteResponse', view: bad, preVote: false, granted: true },
    label: 'RequestVoteResponse.view',
  }),
  () => ({
    message: { type: 'RequestVoteResponse', view: 1, preVote: false, granted: 'yes' },
    label: 'RequestVoteResponse.granted',
  }),
  (_rng, bad) => ({
    message: appendEntries({ prevSeqno: bad }),
    label: 'AppendEntries.prevSeqno',
  }),
  (_rng, bad) => ({ message: appendEntries({ commitSeqno: bad }), label: 'AppendEntries.commit' }),
  () => ({ message: appendEntries({ entries: 'entries' }), label: 'AppendEntries.entries' }),
  (_rng, bad) => ({
    message: appendEntries({
      entries: [{ view: 1, seqno: bad, kind: 'data', data: new Uint8Array(1) }],
    }),
    label: 'AppendEntries.entry.seqno',
  }),
  () => ({
    message: appendEntries({ entries: [{ view: 1, seqno: 1, kind: 'weird', data: 'x' }] }),
    label: 'AppendEntries.entry.kind',
  }),
  (_rng, bad) => ({
    message: { type: 'AppendEntriesResponse', view: 1, success: true, lastSeqno: bad, context: 0 },
    label: 'AppendEntriesResponse.lastSeqno',
  }),
  (_rng, bad) => ({
    message: { type: 'InstallSnapshot', view: 1, snapshot: { seqno: bad, view: 1, configs: 3 } },
    label: 'InstallSnapshot.snapshot',
  }),
  (_rng, bad) => ({
    message: { type: 'InstallSnapshotResponse', view: 1, seqno: bad },
    label: 'InstallSnapshotResponse.seqno',
  }),
];

function appendEntries(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'AppendEntries',
    view: 1,
    prevSeqno: 0,
    prevView: 0,
    entries: [],
    commitSeqno: 0,
    context: 0,
    ...fields,
  };
}

/** makeMalformed builds one malformed message claiming to come from `realFrom` or a stranger. */
export function makeMalformed(rng: SeededRng, realFrom: string): MalformedMessage {
  const bad = BAD_NUMBERS[rng.int(0, BAD_NUMBERS.length - 1)];
  const built = BUILDERS[rng.int(0, BUILDERS.length - 1)]!(rng, bad);
  const from = rng.chance(0.3) ? `stranger${rng.int(0, 9)}` : realFrom;
  return { from, message: built.message, label: built.label };
}
