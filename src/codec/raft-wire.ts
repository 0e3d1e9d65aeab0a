// raft-wire.ts: the versioned binary encoding of every Raft message (wire v1, docs/wire.md §3).
// Layout: [u8 version=1][u8 type][fields]; integers are minimal LEB128 varints, flags one byte,
// byte strings a varint length then the bytes, node ids length-prefixed UTF-8.
// The decoder is total: any input either decodes or throws FormatError(offset); every length and
// count is checked against the bytes left and against its maximum BEFORE anything is allocated.
// It checks BYTES only; semantic checks (entry seqnos contiguous, views ordered, configurations
// valid) are consensus/validate.ts `messageProblem()`'s job after decoding.
//
// codec may import only ds (STYLE allowed-imports table), so the message types are declared here
// as structural mirrors of consensus/types.ts; raft-wire.test.ts fails to compile if they drift.
import {
  ledgerEntryBytesMax,
  frameBytesMax,
  wireConfigNodesCountMax,
  wireEntriesCountMax,
  wireNodeIdBytesMax,
  wireSnapshotConfigsCountMax,
} from '../constants.js';
import { assert, assertNever } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { isWellFormedString } from './utf8.js';

/** WireTxId mirrors consensus TxId. */
export interface WireTxId {
  readonly view: number;
  readonly seqno: number;
}

/** WireConfiguration mirrors consensus Configuration. */
export interface WireConfiguration {
  readonly voters: readonly string[];
  readonly learners: readonly string[];
}

/** WireEntryKind mirrors consensus EntryKind. */
export type WireEntryKind = 'data' | 'signature' | 'config';

/** WireLogEntry mirrors consensus LogEntry (`config` present exactly when kind === 'config'). */
export interface WireLogEntry {
  readonly view: number;
  readonly seqno: number;
  readonly kind: WireEntryKind;
  readonly data: Uint8Array;
  readonly config?: WireConfiguration;
}

/** WireConfigAt mirrors consensus ConfigAt. */
export interface WireConfigAt {
  readonly seqno: number;
  readonly config: WireConfiguration;
}

/** WireSnapshot mirrors consensus Snapshot. */
export interface WireSnapshot {
  readonly seqno: number;
  readonly view: number;
  readonly configs: readonly WireConfigAt[];
  readonly data: Uint8Array;
}

/** WireRaftMessage mirrors consensus RaftMessage. */
export type WireRaftMessage =
  | {
      readonly type: 'RequestVote';
      readonly view: number;
      readonly preVote: boolean;
      readonly lastSignature: WireTxId;
      readonly lastEntry: WireTxId;
    }
  | {
      readonly type: 'RequestVoteResponse';
      readonly view: number;
      readonly preVote: boolean;
      readonly granted: boolean;
    }
  | {
      readonly type: 'AppendEntries';
      readonly view: number;
      readonly prevSeqno: number;
      readonly prevView: number;
      readonly entries: readonly WireLogEntry[];
      readonly commitSeqno: number;
      readonly context: number;
    }
  | {
      readonly type: 'AppendEntriesResponse';
      readonly view: number;
      readonly success: boolean;
      readonly lastSeqno: number;
      readonly context: number;
    }
  | { readonly type: 'InstallSnapshot'; readonly view: number; readonly snapshot: WireSnapshot }
  | { readonly type: 'InstallSnapshotResponse'; readonly view: number; readonly seqno: number };

/** raftWireVersion is the first byte of every encoded message. */
export const raftWireVersion = 1;

/** Message type tags (second byte). */
const tagOf = {
  RequestVote: 1,
  RequestVoteResponse: 2,
  AppendEntries: 3,
  AppendEntriesResponse: 4,
  InstallSnapshot: 5,
  InstallSnapshotResponse: 6,
} as const;

const entryKinds: readonly WireEntryKind[] = ['data', 'signature', 'config'];
const entryKindTag = { data: 0, signature: 1, config: 2 } as const;

/** Smallest possible encodings, used to reject counts that cannot fit in the bytes left. */
const entryBytesMin = 4; // view, seqno, kind, data length
const configAtBytesMin = 3; // seqno, voter count, learner count
const nodeIdBytesMin = 1; // length

const flagPreVote = 1;
const flagGranted = 2;
const flagSuccess = 1;

// ---------------------------------------------------------------- encoding

/**
 * encodeRaftMessage returns the wire v1 encoding of `m` (a view of a fresh buffer, never
 * reused). A message that breaks its type (a non-integer index, `config` on a non-config entry,
 * a config entry without one) is a caller bug and fails an assertion.
 */
export function encodeRaftMessage(m: WireRaftMessage): Uint8Array {
  const w = new ByteWriter(sizeHintBytes(m));
  w.u8(raftWireVersion);
  w.u8(tagOf[m.type]);
  w.varint(m.view);
  switch (m.type) {
    case 'RequestVote':
      w.u8(m.preVote ? flagPreVote : 0);
      writeTxId(w, m.lastSignature);
      writeTxId(w, m.lastEntry);
      break;
    case 'RequestVoteResponse':
      w.u8((m.preVote ? flagPreVote : 0) | (m.granted ? flagGranted : 0));
      break;
    case 'AppendEntries':
      w.varint(m.prevSeqno);
      w.varint(m.prevView);
      w.varint(m.commitSeqno);
      w.varint(m.context);
      writeEntries(w, m.entries);
      break;
    case 'AppendEntriesResponse':
      w.u8(m.success ? flagSuccess : 0);
      w.varint(m.lastSeqno);
      w.varint(m.context);
      break;
    case 'InstallSnapshot':
      writeSnapshot(w, m.snapshot);
      break;
    case 'InstallSnapshotResponse':
      w.varint(m.seqno);
      break;
    default:
      assertNever(m);
  }
  return w.finish();
}

/** sizeHintBytes estimates the encoding size so the writer allocates once on the hot path. */
function sizeHintBytes(m: WireRaftMessage): number {
  if (m.type === 'AppendEntries') {
    let dataBytes = 0;
    for (const e of m.entries) dataBytes += e.data.length;
    return 64 + dataBytes + 24 * m.entries.length;
  }
  if (m.type === 'InstallSnapshot') return 256 + m.snapshot.data.length;
  return 64;
}

function writeTxId(w: ByteWriter, txId: WireTxId): void {
  w.varint(txId.view);
  w.varint(txId.seqno);
}

function writeEntries(w: ByteWriter, entries: readonly WireLogEntry[]): void {
  assert(entries.length <= wireEntriesCountMax, 'entries count within wireEntriesCountMax');
  w.varint(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    w.varint(e.view);
    w.varint(e.seqno);
    w.u8(entryKindTag[e.kind]);
    if (e.kind === 'config') {
      assert(e.config !== undefined, 'a config entry carries a configuration');
      writeConfiguration(w, e.config);
    } else {
      assert(e.config === undefined, 'only config entries carry a configuration');
    }
    assert(e.data.length <= ledgerEntryBytesMax, 'entry data within ledgerEntryBytesMax');
    w.bytes(e.data);
  }
}

function writeConfiguration(w: ByteWriter, c: WireConfiguration): void {
  assert(c.voters.length + c.learners.length <= wireConfigNodesCountMax, 'config size bounded');
  writeNodeIds(w, c.voters);
  writeNodeIds(w, c.learners);
}

function writeNodeIds(w: ByteWriter, ids: readonly string[]): void {
  w.varint(ids.length);
  for (const id of ids) {
    assert(isWellFormedString(id), 'node id is well-formed UTF-16');
    const before = w.lengthBytes;
    w.string(id);
    // Prefix + bytes; the prefix takes 2 bytes at wireNodeIdBytesMax (128 ≤ 256 < 16384).
    assert(w.lengthBytes - before <= wireNodeIdBytesMax + 2, 'node id within wireNodeIdBytesMax');
  }
}

function writeSnapshot(w: ByteWriter, s: WireSnapshot): void {
  w.varint(s.seqno);
  w.varint(s.view);
  assert(s.configs.length <= wireSnapshotConfigsCountMax, 'snapshot configs count bounded');
  w.varint(s.configs.length);
  for (const c of s.configs) {
    w.varint(c.seqno);
    writeConfiguration(w, c.config);
  }
  w.bytes(s.data);
}

// ---------------------------------------------------------------- decoding

/**
 * decodeRaftMessage decodes one wire v1 message occupying all of `bytes`. Throws FormatError
 * (with the byte offset) on anything else: unknown version or type, unknown flag bits or entry
 * kind, overlong or out-of-range varints, lengths/counts past the end or above their maxima
 * (src/constants.ts), invalid UTF-8 in a node id, or trailing bytes. Valid encodings are
 * canonical: encodeRaftMessage(decodeRaftMessage(b)) equals b byte for byte.
 *
 * Entry `data` and snapshot `data` are VIEWS into `bytes` (no copy): the caller must not modify
 * or reuse `bytes` while the message (or anything kept from it) is alive.
 */
export function decodeRaftMessage(bytes: Uint8Array): WireRaftMessage {
  const r = new ByteReader(bytes);
  const version = r.u8('version');
  if (version !== raftWireVersion) throw new FormatError(`unknown wire version ${version}`, 0);
  const tag = r.u8('message type');
  const view = r.varint('view');
  const m = decodeBody(r, tag, view);
  r.expectEnd('raft message');
  return m;
}

function decodeBody(r: ByteReader, tag: number, view: number): WireRaftMessage {
  switch (tag) {
    case tagOf.RequestVote: {
      const preVote = readFlags(r, flagPreVote) === flagPreVote;
      const lastSignature = readTxId(r, 'last signature');
      const lastEntry = readTxId(r, 'last entry');
      return { type: 'RequestVote', view, preVote, lastSignature, lastEntry };
    }
    case tagOf.RequestVoteResponse: {
      const flags = readFlags(r, flagPreVote | flagGranted);
      const preVote = (flags & flagPreVote) !== 0;
      const granted = (flags & flagGranted) !== 0;
      return { type: 'RequestVoteResponse', view, preVote, granted };
    }
    case tagOf.AppendEntries:
      return decodeAppendEntries(r, view);
    case tagOf.AppendEntriesResponse: {
      const success = readFlags(r, flagSuccess) === flagSuccess;
      const lastSeqno = r.varint('last seqno');
      const context = r.varint('context');
      return { type: 'AppendEntriesResponse', view, success, lastSeqno, context };
    }
    case tagOf.InstallSnapshot:
      return { type: 'InstallSnapshot', view, snapshot: readSnapshot(r) };
    case tagOf.InstallSnapshotResponse:
      return { type: 'InstallSnapshotResponse', view, seqno: r.varint('seqno') };
    default:
      throw new FormatError(`unknown message type ${tag}`, 1);
  }
}

/** readFlags reads a flags byte and rejects bits outside `known` (keeps encodings canonical). */
function readFlags(r: ByteReader, known: number): number {
  const at = r.offset;
  const flags = r.u8('flags');
  if ((flags & ~known) !== 0) throw new FormatError(`unknown flag bits ${flags}`, at);
  return flags;
}

function readTxId(r: ByteReader, what: string): WireTxId {
  const view = r.varint(`${what} view`);
  const seqno = r.varint(`${what} seqno`);
  return { view, seqno };
}

function decodeAppendEntries(r: ByteReader, view: number): WireRaftMessage {
  const prevSeqno = r.varint('prev seqno');
  const prevView = r.varint('prev view');
  const commitSeqno = r.varint('commit seqno');
  const context = r.varint('context');
  const count = r.count(wireEntriesCountMax, entryBytesMin, 'entries');
  const entries: WireLogEntry[] = new Array(count);
  for (let i = 0; i < count; i++) entries[i] = readEntry(r);
  return { type: 'AppendEntries', view, prevSeqno, prevView, entries, commitSeqno, context };
}

// readEntry is the decode hot path: one object per entry with a stable shape per kind.
function readEntry(r: ByteReader): WireLogEntry {
  const view = r.varint('entry view');
  const seqno = r.varint('entry seqno');
  const at = r.offset;
  const kindTag = r.u8('entry kind');
  const kind = entryKinds[kindTag];
  if (kind === undefined) throw new FormatError(`unknown entry kind ${kindTag}`, at);
  if (kind === 'config') {
    const config = readConfiguration(r);
    const data = r.bytes(ledgerEntryBytesMax, 'entry data');
    return { view, seqno, kind, data, config };
  }
  const data = r.bytes(ledgerEntryBytesMax, 'entry data');
  return { view, seqno, kind, data };
}

function readConfiguration(r: ByteReader): WireConfiguration {
  const voters = readNodeIds(r, wireConfigNodesCountMax, 'voters');
  // The learners' maximum is what is left of the configuration's, so the total stays bounded.
  const learners = readNodeIds(r, wireConfigNodesCountMax - voters.length, 'learners');
  return { voters, learners };
}

function readNodeIds(r: ByteReader, countMax: number, what: string): string[] {
  const count = r.count(countMax, nodeIdBytesMin, what);
  const ids: string[] = new Array(count);
  for (let i = 0; i < count; i++) ids[i] = r.string(wireNodeIdBytesMax, `${what} node id`);
  return ids;
}

function readSnapshot(r: ByteReader): WireSnapshot {
  const seqno = r.varint('snapshot seqno');
  const view = r.varint('snapshot view');
  const count = r.count(wireSnapshotConfigsCountMax, configAtBytesMin, 'snapshot configs');
  const configs: WireConfigAt[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const configSeqno = r.varint('config seqno');
    configs[i] = { seqno: configSeqno, config: readConfiguration(r) };
  }
  const data = r.bytes(frameBytesMax, 'snapshot data');
  return { seqno, view, configs, data };
}
