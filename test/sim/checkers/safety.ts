// SafetyChecker: the consensus safety properties, checked incrementally after every event (no log
// rescans): election safety, log matching (via chain hashes keyed by (seqno, view)), leader
// completeness, state machine safety, commit monotonicity and durability, commit points at
// signatures, and CCF's view-start rule (a view's first committed entry is a signature and the
// entry before it is a signature too).
import type { LogEntry, NodeId, Role, Snapshot } from '../../../src/consensus/types.js';
import type { ChainHistory, HistoryObserver } from '../chain-history.js';
import { CommittedLog } from './committed-log.js';
import type { ViolationSink } from './violation.js';

/** ObservedNode is what the checker reads from a live node after an event. */
export interface ObservedNode {
  readonly id: NodeId;
  readonly history: ChainHistory;
  readonly role: Role;
  readonly view: number;
  readonly commitSeqno: number;
  readonly lastSeqno: number;
}

/** SafetyChecker is one run's safety oracle. */
export class SafetyChecker implements HistoryObserver {
  readonly committed = new CommittedLog();
  private readonly sink: ViolationSink;
  private readonly primaries = new Map<number, NodeId>();
  /** (seqno, view) -> chain hash of the first node that held that entry (log matching). */
  private readonly entryHashes = new Map<string, string>();
  /** seqno -> state digest of the first node that applied it. */
  private readonly appliedDigests: (string | undefined)[] = [];
  /** Per node life: highest commit seen (reset when the node restarts). */
  private readonly commitSeen = new Map<NodeId, number>();
  electionCount = 0;

  constructor(sink: ViolationSink) {
    this.sink = sink;
  }

  /** onRestart forgets per-life facts of `id`. */
  onRestart(id: NodeId): void {
    this.commitSeen.delete(id);
  }

  // --- HistoryObserver ---------------------------------------------------------------------

  onAppend(history: ChainHistory, entry: LogEntry, hash: string): void {
    const key = `${entry.seqno}:${entry.view}`;
    const known = this.entryHashes.get(key);
    if (known === undefined) this.entryHashes.set(key, hash);
    else if (known !== hash) {
      this.sink.report(
        'log-matching',
        `${history.nodeId} holds entry ${entry.view}.${entry.seqno} with a different prefix`,
      );
    }
  }

  onTruncate(history: ChainHistory, fromSeqno: number): void {
    const seen = this.commitSeen.get(history.nodeId) ?? 0;
    if (fromSeqno <= seen) {
      this.sink.report(
        'committed-rolled-back',
        `${history.nodeId} truncated from ${fromSeqno} after committing ${seen}`,
      );
    }
    const global = this.committed.hashAt(fromSeqno);
    if (fromSeqno <= this.committed.commitSeqno && global !== undefined && history.hashAt(fromSeqno) === global) {
      this.sink.report(
        'committed-rolled-back',
        `${history.nodeId} truncated the committed entry at ${fromSeqno} (global commit ${this.committed.commitSeqno})`,
      );
    }
  }

  onReset(history: ChainHistory, snapshot: Snapshot): void {
    this.compareGlobal(history, snapshot.seqno, 'state-machine-safety', 'installed snapshot');
  }

  onHistoryError(history: ChainHistory, message: string): void {
    this.sink.report('host-contract', `${history.nodeId}: history: ${message}`);
  }

  // --- per event ---------------------------------------------------------------------------

  /** afterEvent checks one node that just handled an event. */
  afterEvent(node: ObservedNode): void {
    if (node.role === 'primary') this.checkPrimary(node);
    const seen = this.commitSeen.get(node.id) ?? -1;
    const commit = node.commitSeqno;
    if (commit === seen) return;
    if (commit < seen) {
      this.sink.report('commit-regressed', `${node.id} commit went from ${seen} to ${commit}`);
      return;
    }
    this.commitSeen.set(node.id, commit);
    if (commit === 0) return;
    const kind = node.history.kindAt(commit);
    if (kind !== undefined && kind !== 'signature') {
      this.sink.report('commit-not-signature', `${node.id} committed up to ${commit}, a ${kind} entry`);
    }
    this.extendCommitted(node.history, commit);
  }

  private checkPrimary(node: ObservedNode): void {
    const holder = this.primaries.get(node.view);
    if (holder === node.id) return;
    if (holder !== undefined) {
      this.sink.report('election-safety', `view ${node.view} has two primaries: ${holder} and ${node.id}`);
      return;
    }
    this.primaries.set(node.view, node.id);
    this.electionCount++;
    const g = this.committed.commitSeqno;
    if (node.lastSeqno < g) {
      this.sink.report(
        'leader-completeness',
        `${node.id} became primary of view ${node.view} with last ${node.lastSeqno} < commit ${g}`,
      );
      return;
    }
    this.compareGlobal(node.history, g, 'leader-completeness', `primary of view ${node.view}`);
  }

  /** extendCommitted checks `history` against the committed prefix and extends it up to `commit`. */
  private extendCommitted(history: ChainHistory, commit: number): void {
    const log = this.committed;
    const g = log.commitSeqno;
    if (!this.compareGlobal(history, Math.min(commit, g), 'state-machine-safety', 'commit')) return;
    if (commit <= g) return;
    for (let s = g + 1; s <= commit; s++) {
      const hash = history.hashAt(s);
      if (hash === undefined) continue;
      const view = history.viewAt(s);
      const kind = history.kindAt(s);
      log.record(s, hash, view, kind);
      const prevView = history.viewAt(s - 1) ?? log.viewAt(s - 1);
      const prevKind = history.kindAt(s - 1) ?? log.kindAt(s - 1);
      if (prevView === undefined || view === undefined || view === prevView) continue;
      if (kind !== 'signature' || prevKind !== 'signature') {
        this.sink.report(
          'view-start-not-signature',
          `committed view ${view} starts at ${s} with a ${kind} entry after a ${prevKind} entry (via ${history.nodeId})`,
        );
        return;
      }
    }
    log.commitSeqno = commit;
  }

  /** compareGlobal reports when `history` holds `seqno` with a hash other than the committed one. */
  private compareGlobal(history: ChainHistory, seqno: number, kind: 'state-machine-safety' | 'leader-completeness', what: string): boolean {
    const global = this.committed.hashAt(seqno);
    const mine = history.hashAt(seqno);
    if (global === undefined || mine === undefined || global === mine) return true;
    this.sink.report(kind, `${history.nodeId} (${what}) disagrees with the committed prefix at ${seqno}`);
    return false;
  }

  // --- applying -----------------------------------------------------------------------------

  /** onApplied checks a state digest after applying up to `seqno` (entry or snapshot). */
  onApplied(id: NodeId, seqno: number, digest: string): void {
    const global = this.committed.hashAt(seqno);
    if (global !== undefined && global !== digest) {
      this.sink.report('state-machine-safety', `${id} applied ${seqno} with a state other than the committed one`);
      return;
    }
    while (this.appliedDigests.length <= seqno) this.appliedDigests.push(undefined);
    const first = this.appliedDigests[seqno];
    if (first === undefined) this.appliedDigests[seqno] = digest;
    else if (first !== digest) {
      this.sink.report('state-machine-safety', `${id} applied a different entry at ${seqno} than another node`);
    }
  }

  /** onCommittedEntries: an applied committed range must end at a signature. */
  onCommittedEntries(id: NodeId, entries: readonly LogEntry[]): void {
    const last = entries[entries.length - 1];
    if (last !== undefined && last.kind !== 'signature') {
      this.sink.report('commit-not-signature', `${id}: committed range ends at ${last.seqno}, a ${last.kind} entry`);
    }
  }
}
