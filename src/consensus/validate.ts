// Structural validation of messages from the network. Everything that arrives is untrusted: a
// message that fails here is rejected with a reason and never reaches the role logic.
import type { ConfigAt, Configuration, LogEntry, RaftMessage, TxId } from './types.js';
import { validateConfiguration } from './configurations.js';

/** Bounds on what one message may carry (the wire codec enforces byte sizes before this). */
export const messageEntriesCountMax = 1_000_000;
export const entryDataBytesMax = 8 * 1024 * 1024;
export const configNodesCountMax = 1024;

type Fields = Record<string, unknown>;

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTxId(value: unknown): value is TxId {
  return isObject(value) && isIndex(value.view) && isIndex(value.seqno);
}

function isConfiguration(value: unknown): value is Configuration {
  if (!isObject(value) || !Array.isArray(value.voters) || !Array.isArray(value.learners)) return false;
  if (value.voters.length + value.learners.length > configNodesCountMax) return false;
  if (!value.voters.every((v) => typeof v === 'string')) return false;
  if (!value.learners.every((v) => typeof v === 'string')) return false;
  return validateConfiguration(value as unknown as Configuration) === null;
}

// entryProblem sits on the replication hot path: cheap checks first, no allocation.
function entryProblem(value: unknown, seqno: number, viewMax: number): string | null {
  if (typeof value !== 'object' || value === null) return 'entry is not an object';
  const e = value as Fields;
  if (e.seqno !== seqno) return 'entry seqno out of order';
  const view = e.view;
  if (typeof view !== 'number' || !(view >= 0 && view <= viewMax) || !Number.isInteger(view)) {
    return 'entry view out of range';
  }
  const data = e.data;
  if (!(data instanceof Uint8Array)) return 'entry data is not bytes';
  if (data.byteLength > entryDataBytesMax) return 'entry data too large';
  const kind = e.kind;
  if (kind === 'data' || kind === 'signature') {
    return e.config === undefined ? null : 'configuration on a non-config entry';
  }
  if (kind === 'config') return isConfiguration(e.config) ? null : 'bad configuration';
  return 'unknown entry kind';
}

function entriesProblem(m: Fields): string | null {
  const entries = m.entries;
  if (!Array.isArray(entries)) return 'entries is not an array';
  if (entries.length > messageEntriesCountMax) return 'too many entries';
  let previousView = m.prevView as number;
  for (let i = 0; i < entries.length; i++) {
    const problem = entryProblem(entries[i], (m.prevSeqno as number) + 1 + i, m.view as number);
    if (problem !== null) return `entry ${i}: ${problem}`;
    const view = (entries[i] as LogEntry).view;
    if (view < previousView) return `entry ${i}: views decrease`;
    previousView = view;
  }
  return null;
}

function snapshotProblem(value: unknown, viewMax: number): string | null {
  if (!isObject(value)) return 'snapshot is not an object';
  if (!isIndex(value.seqno) || !isIndex(value.view) || value.view > viewMax) {
    return 'snapshot tx id out of range';
  }
  if (!(value.data instanceof Uint8Array)) return 'snapshot data is not bytes';
  const configs = value.configs;
  if (!Array.isArray(configs) || configs.length === 0 || configs.length > 16) {
    return 'snapshot configurations missing';
  }
  for (const c of configs) {
    if (!isObject(c) || !isIndex(c.seqno) || c.seqno > (value.seqno as number)) {
      return 'snapshot configuration seqno out of range';
    }
    if (!isConfiguration(c.config)) return 'snapshot configuration malformed';
  }
  for (let i = 1; i < configs.length; i++) {
    if ((configs[i] as ConfigAt).seqno <= (configs[i - 1] as ConfigAt).seqno) {
      return 'snapshot configurations out of order';
    }
  }
  return null;
}

/** messageProblem returns why `m` is not a well-formed RaftMessage, or null when it is. */
export function messageProblem(m: unknown): string | null {
  if (!isObject(m)) return 'message is not an object';
  if (!isIndex(m.view)) return 'view is not a non-negative integer';
  switch (m.type) {
    case 'RequestVote':
      if (typeof m.preVote !== 'boolean') return 'preVote is not a boolean';
      if (!isTxId(m.lastSignature) || !isTxId(m.lastEntry)) return 'bad last tx ids';
      if (m.lastSignature.seqno > m.lastEntry.seqno) return 'last signature after last entry';
      return null;
    case 'RequestVoteResponse':
      return typeof m.preVote === 'boolean' && typeof m.granted === 'boolean'
        ? null
        : 'bad vote response flags';
    case 'AppendEntries':
      if (!isIndex(m.prevSeqno) || !isIndex(m.prevView) || m.prevView > m.view) {
        return 'bad previous tx id';
      }
      if (!isIndex(m.commitSeqno) || !isIndex(m.context)) return 'bad commit seqno or context';
      return entriesProblem(m);
    case 'AppendEntriesResponse':
      if (typeof m.success !== 'boolean') return 'success is not a boolean';
      return isIndex(m.lastSeqno) && isIndex(m.context) ? null : 'bad last seqno or context';
    case 'InstallSnapshot':
      return snapshotProblem(m.snapshot, m.view as number);
    case 'InstallSnapshotResponse':
      return isIndex(m.seqno) ? null : 'bad snapshot seqno';
    default:
      return 'unknown message type';
  }
}

/** asMessage narrows after messageProblem returned null. */
export function asMessage(m: unknown): RaftMessage {
  return m as RaftMessage;
}
