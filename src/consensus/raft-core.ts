import { assert } from '../ds/assert.js';
import type { Rng } from '../ds/rng.js';
import {
  Configurations,
  hasQuorum,
  isVoterIn,
  nodesOf,
  quorumMatch,
  validateConfiguration,
} from './configurations.js';
import { Progress } from './progress.js';
import { RaftLog } from './raft-log.js';
import type {
  ConfigAt,
  Configuration,
  EntryKind,
  History,
  LogEntry,
  NodeId,
  Outbound,
  PersistedState,
  RaftMessage,
  RaftOptions,
  Ready,
  ReadState,
  Role,
  Snapshot,
  SoftState,
  TxId,
} from './types.js';
import { messageProblem } from './validate.js';

/** StepResult: a message is either taken (even if ignored as stale) or rejected with a reason. */
export type StepResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** ProposeResult: the tx id the proposal got, or why it was refused. */
export type ProposeResult =
  | { readonly ok: true; readonly txId: TxId }
  | { readonly ok: false; readonly reason: 'NotPrimary' | 'QueueFull' | 'ConfigPending' | 'BadConfig' };

/** RaftDeps are the injected sources of randomness and the history (Merkle tree) hooks. */
export interface RaftDeps {
  readonly rng: Rng;
  readonly history: History;
}

/** RaftInit is the durable state a node starts from, and the genesis configuration if founding. */
export interface RaftInit {
  readonly persisted: PersistedState;
  readonly genesis: Configuration | null;
}

type VoteRequest = Extract<RaftMessage, { type: 'RequestVote' }>;
type VoteResponse = Extract<RaftMessage, { type: 'RequestVoteResponse' }>;
type Append = Extract<RaftMessage, { type: 'AppendEntries' }>;
type AppendResponse = Extract<RaftMessage, { type: 'AppendEntriesResponse' }>;
type SnapshotRequest = Extract<RaftMessage, { type: 'InstallSnapshot' }>;

/** compareTxIds orders tx ids by view, then seqno (CCF's "up to date" comparison of signatures). */
export function compareTxIds(a: TxId, b: TxId): number {
  return a.view !== b.view ? a.view - b.view : a.seqno - b.seqno;
}

/**
 * RaftCore is the pure consensus state machine of one node: Raft with CCF's rules (signature-gated
 * commit, roll back to the last signature on election, PreVote, CheckQuorum, joint-majority
 * reconfiguration, learners). It never reads a clock, never draws randomness but from `deps.rng`,
 * never performs I/O and never awaits: inputs are step/tick/propose, outputs are Ready records that
 * the host executes in order (persist, THEN send, THEN apply) and acknowledges with advance().
 */
export class RaftCore {
  readonly id: NodeId;
  private readonly options: RaftOptions;
  private readonly rng: Rng;
  private readonly history: History;
  private readonly log: RaftLog;
  private readonly configurations: Configurations;
  private readonly bugs: ReadonlySet<string>;

  private viewValue: number;
  private votedFor: NodeId | null;
  private roleValue: Role = 'backup';
  private primaryValue: NodeId | null = null;
  private preCandidate = false;
  private commitSeqnoValue: number;
  private appliedSeqno: number;
  private persistedSeqno: number;
  /** Seqno of the primary's first signature in its view (commit needs a signature >= it). */
  private viewStartSeqno = 0;
  private latestSnapshot: Snapshot | null;

  private electionElapsedTicks = 0;
  private electionTimeoutTicks = 0;
  private heartbeatElapsedTicks = 0;
  private checkQuorumElapsedTicks = 0;
  private unsignedElapsedTicks = 0;
  private readonly votes = new Map<NodeId, boolean>();
  private readonly progress = new Map<NodeId, Progress>();
  private knownNodes = new Set<NodeId>();

  // What the next Ready carries.
  private truncateFromSeqno: number | null = null;
  private entriesToPersist: LogEntry[] = [];
  private hardStateDirty = false;
  private commitHintDirty = false;
  private snapshotToPersist: Snapshot | null = null;
  private snapshotToApply: Snapshot | null = null;
  private messages: Outbound[] = [];
  private earlyMessages: Outbound[] = [];
  private rolledBackFromSeqno: number | null = null;
  private commitBroadcastPending = false;
  private lastSoftState: SoftState | null = null;
  private readyInFlight = false;
  // ReadIndex (Raft thesis §6.4): every AppendEntries carries the latest read context; a request
  // is answered once a quorum has echoed a context at least as new as its own.
  private readContext = 0;
  private readonly readAcks = new Map<NodeId, number>();
  private pendingReads: ReadState[] = [];
  private readStates: ReadState[] = [];
  private readBroadcastPending = false;

  constructor(deps: RaftDeps, options: RaftOptions, init: RaftInit) {
    assert(options.electionTimeoutTicksMin > options.heartbeatIntervalTicks, 'election > heartbeat');
    assert(options.electionTimeoutTicksMax >= options.electionTimeoutTicksMin, 'timeout range');
    assert(options.signatureIntervalTxCount >= 1, 'signature interval >= 1 tx');
    this.id = options.id;
    this.options = options;
    this.rng = deps.rng;
    this.history = deps.history;
    this.bugs = options.bugs ?? new Set();
    const { persisted, genesis } = init;
    const snapshot = persisted.snapshot;
    this.log = new RaftLog(snapshot ?? { view: 0, seqno: 0 });
    const initialConfigs: ConfigAt[] =
      snapshot !== null ? [...snapshot.configs] : genesis ? [{ seqno: 0, config: genesis }] : [];
    this.configurations = new Configurations(initialConfigs);
    if (snapshot !== null) this.history.reset(snapshot);
    for (const entry of persisted.entries) this.appendToLog(entry);
    this.viewValue = persisted.hardState.view;
    this.votedFor = persisted.hardState.votedFor;
    assert(this.viewValue >= this.log.lastView, 'persisted view behind the log');
    const commitHint = Math.min(persisted.hardState.commitSeqno, this.log.lastSeqno);
    this.commitSeqnoValue = Math.max(
      this.log.lastSignatureAtOrBefore(commitHint),
      snapshot?.seqno ?? 0,
    );
    this.appliedSeqno = snapshot?.seqno ?? 0;
    this.persistedSeqno = this.log.lastSeqno;
    this.latestSnapshot = snapshot;
    this.entriesToPersist = [];
    this.refreshMembership();
    this.resetElectionTimer();
  }

  // ---- read-only state ----

  get role(): Role {
    return this.roleValue;
  }
  get view(): number {
    return this.viewValue;
  }
  get primary(): NodeId | null {
    return this.primaryValue;
  }
  get commitSeqno(): number {
    return this.commitSeqnoValue;
  }
  get lastSeqno(): number {
    return this.log.lastSeqno;
  }
  lastSignature(): TxId {
    return this.log.lastSignature();
  }
  /** nextTxId is the id the next proposal would get (valid at the primary until it changes). */
  nextTxId(): TxId {
    return { view: this.viewValue, seqno: this.log.lastSeqno + 1 };
  }
  /** matchOf returns the primary's view of a peer's matching seqno (undefined if not a peer). */
  matchOf(id: NodeId): number | undefined {
    return this.progress.get(id)?.matchSeqno;
  }
  /** canPropose tells whether a proposal would be accepted now (primary, queue not full). */
  canPropose(): boolean {
    return (
      this.roleValue === 'primary' &&
      this.log.lastSeqno - this.commitSeqnoValue < this.options.proposalQueueCountMax
    );
  }
  configs(): readonly ConfigAt[] {
    return this.configurations.active(this.commitSeqnoValue);
  }
  entryAt(seqno: number): LogEntry | undefined {
    return this.log.entryAt(seqno);
  }
  viewAt(seqno: number): number | undefined {
    return this.log.viewAt(seqno);
  }

  // ---- inputs ----

  /** step handles one message from `from`. Malformed or unexpected input is rejected, never thrown. */
  step(from: NodeId, raw: unknown): StepResult {
    const problem = messageProblem(raw);
    if (problem !== null) return { ok: false, reason: problem };
    if (typeof from !== 'string' || from === this.id) return { ok: false, reason: 'bad sender' };
    const m = raw as RaftMessage;
    const claimsPrimacy = m.type === 'AppendEntries' || m.type === 'InstallSnapshot';
    // Transport authenticates peers; a lagging node may not know a newer primary yet, so only
    // messages that claim primacy are taken from nodes outside the known configurations.
    if (!claimsPrimacy && !this.knownNodes.has(from)) return { ok: false, reason: 'unknown sender' };
    if (m.view > this.viewValue) {
      const higher = this.onHigherView(from, m);
      if (higher !== null) return higher;
    } else if (m.view < this.viewValue) {
      this.answerStale(from, m);
      return { ok: true };
    }
    switch (m.type) {
      case 'RequestVote':
        this.onRequestVote(from, m);
        break;
      case 'RequestVoteResponse':
        this.onVoteResponse(from, m);
        break;
      case 'AppendEntries':
        this.onAppendEntries(from, m);
        break;
      case 'AppendEntriesResponse':
        return this.onAppendResponse(from, m);
      case 'InstallSnapshot':
        this.onInstallSnapshot(from, m);
        break;
      case 'InstallSnapshotResponse':
        return this.onSnapshotResponse(from, m.seqno);
    }
    return { ok: true };
  }

  /** tick advances logical time by one tick: elections, heartbeats, CheckQuorum, signatures. */
  tick(): void {
    this.electionElapsedTicks++;
    if (this.roleValue === 'primary') {
      this.tickPrimary();
      return;
    }
    const mayCampaign = this.roleValue === 'backup' || this.roleValue === 'candidate';
    if (mayCampaign && this.electionElapsedTicks >= this.electionTimeoutTicks) {
      this.startElection(this.options.preVote);
    }
  }

  /** propose appends an application transaction at the primary and returns its tx id. */
  propose(data: Uint8Array): ProposeResult {
    return this.proposeEntry('data', data, undefined);
  }

  /**
   * proposeConfig appends a reconfiguration (one may be pending at a time); `data` is the entry's
   * payload (the ledger layer records the change in the store).
   */
  proposeConfig(config: Configuration, data: Uint8Array = new Uint8Array(0)): ProposeResult {
    if (validateConfiguration(config) !== null) return { ok: false, reason: 'BadConfig' };
    if (this.roleValue === 'primary' && this.configs().length > 1) {
      return { ok: false, reason: 'ConfigPending' };
    }
    const frozen: Configuration = { voters: [...config.voters], learners: [...config.learners] };
    return this.proposeEntry('config', data, frozen);
  }

  /**
   * requestReadIndex starts a linearizable read at the primary. The answer arrives in a later
   * Ready's `readStates` with the same context: serve the read from the state at `index` (or any
   * later committed state). Refused before the primary committed an entry of its view (pitfall 4).
   */
  requestReadIndex():
    | { readonly ok: true; readonly context: number }
    | { readonly ok: false; readonly reason: 'NotPrimary' | 'NotReady' } {
    if (this.roleValue !== 'primary') return { ok: false, reason: 'NotPrimary' };
    if (this.commitSeqnoValue < this.viewStartSeqno) return { ok: false, reason: 'NotReady' };
    const context = ++this.readContext;
    this.pendingReads.push({ context, index: this.commitSeqnoValue });
    this.readBroadcastPending = true;
    this.checkReads();
    return { ok: true, context };
  }

  private checkReads(): void {
    while (this.pendingReads.length > 0) {
      const read = this.pendingReads[0]!;
      const confirmed = hasQuorum(
        this.configs(),
        (id) => id === this.id || (this.readAcks.get(id) ?? 0) >= read.context,
      );
      if (!confirmed) return;
      this.readStates.push(this.pendingReads.shift()!);
    }
  }

  private failReads(): void {
    for (const read of this.pendingReads) this.readStates.push({ context: read.context, index: null });
    this.pendingReads = [];
    this.readAcks.clear();
  }

  // ---- outputs ----

  /** hasReady tells whether takeReady() would return work. */
  hasReady(): boolean {
    if (this.readyInFlight) return false;
    return (
      this.messages.length > 0 ||
      this.earlyMessages.length > 0 ||
      this.entriesToPersist.length > 0 ||
      this.hardStateDirty ||
      this.truncateFromSeqno !== null ||
      this.snapshotToPersist !== null ||
      this.appliedSeqno < this.commitSeqnoValue ||
      this.commitBroadcastPending ||
      this.readBroadcastPending ||
      this.readStates.length > 0 ||
      (this.roleValue === 'primary' && this.log.unsignedCount() > 0) ||
      this.softStateChanged()
    );
  }

  /**
   * takeReady hands the host the accumulated work. At the primary this is where the proposal
   * queue "drains": unsigned transactions get a signature now (group commit), then go out.
   */
  takeReady(): Ready {
    assert(!this.readyInFlight, 'takeReady before advance of the previous Ready');
    if (this.roleValue === 'primary') {
      if (this.log.unsignedCount() > 0) this.appendSignature();
      this.broadcastAppend(this.commitBroadcastPending || this.readBroadcastPending);
    }
    this.commitBroadcastPending = false;
    this.readBroadcastPending = false;
    const committed =
      this.appliedSeqno < this.commitSeqnoValue
        ? this.log.slice(this.appliedSeqno + 1, this.commitSeqnoValue, Number.POSITIVE_INFINITY)
        : [];
    if (committed.length > 0) {
      assert(committed[0]!.seqno === this.appliedSeqno + 1, 'apply is contiguous');
      if (!this.bugs.has('commit-non-signature')) {
        assert(committed[committed.length - 1]!.kind === 'signature', 'commit ends at a signature');
      }
    }
    this.appliedSeqno = this.commitSeqnoValue;
    const softState = this.softStateChanged() ? this.currentSoftState() : null;
    if (softState !== null) this.lastSoftState = softState;
    const ready: Ready = {
      truncateFromSeqno: this.truncateFromSeqno,
      entriesToPersist: this.entriesToPersist,
      hardState:
        this.hardStateDirty || (this.commitHintDirty && this.entriesToPersist.length > 0)
          ? { view: this.viewValue, votedFor: this.votedFor, commitSeqno: this.commitSeqnoValue }
          : null,
      snapshotToPersist: this.snapshotToPersist,
      earlyMessages: this.earlyMessages,
      messages: this.messages,
      snapshotToApply: this.snapshotToApply,
      committed,
      softState,
      rolledBackFromSeqno: this.rolledBackFromSeqno,
      readStates: this.readStates,
    };
    this.readStates = [];
    if (ready.hardState !== null) this.commitHintDirty = false;
    this.truncateFromSeqno = null;
    this.entriesToPersist = [];
    this.hardStateDirty = false;
    this.snapshotToPersist = null;
    this.snapshotToApply = null;
    this.messages = [];
    this.earlyMessages = [];
    this.rolledBackFromSeqno = null;
    this.readyInFlight = true;
    return ready;
  }

  /** advance acknowledges that `ready` was persisted, sent and applied. */
  advance(ready: Ready): void {
    assert(this.readyInFlight, 'advance without a Ready in flight');
    this.readyInFlight = false;
    if (ready.snapshotToPersist !== null) {
      this.persistedSeqno = Math.max(this.persistedSeqno, ready.snapshotToPersist.seqno);
    }
    const entries = ready.entriesToPersist;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      // Entries rolled back while the Ready was in flight do not count as persisted.
      if (this.log.viewAt(e.seqno) === e.view) {
        this.persistedSeqno = Math.max(this.persistedSeqno, e.seqno);
        break;
      }
    }
    if (this.roleValue === 'primary') this.maybeCommit();
  }

  /** makeSnapshot describes a snapshot at committed signature `seqno` with the host's `data`. */
  /**
   * makeSnapshot describes a snapshot at committed signature `seqno` with the host's `data`, or
   * returns null when this node does not know the configuration in force at `seqno` (a node that
   * joined and replicated the log from its start never saw the genesis configuration).
   */
  makeSnapshot(seqno: number, data: Uint8Array): Snapshot | null {
    assert(seqno <= this.appliedSeqno, 'snapshot of an applied seqno');
    const view = this.log.viewAt(seqno);
    assert(view !== undefined, 'snapshot seqno must be in the log');
    const config = this.configurations.at(seqno);
    if (config === undefined) return null;
    return { seqno, view, configs: [config], data };
  }

  /** compact forgets entries up to `snapshot.seqno`; backups too far behind are sent `snapshot`. */
  compact(snapshot: Snapshot): void {
    assert(snapshot.seqno <= this.appliedSeqno, 'compact only applied entries');
    assert(snapshot.seqno <= this.persistedSeqno, 'compact only persisted entries');
    assert(this.log.viewAt(snapshot.seqno) === snapshot.view, 'snapshot matches the log');
    assert(
      this.log.lastSignatureAtOrBefore(snapshot.seqno) === snapshot.seqno,
      'snapshots are taken at signatures',
    );
    this.log.compactTo(snapshot.seqno);
    this.configurations.compactTo(snapshot.seqno);
    this.latestSnapshot = snapshot;
  }

  // ---- roles ----

  private currentSoftState(): SoftState {
    return { role: this.roleValue, view: this.viewValue, primary: this.primaryValue };
  }

  private softStateChanged(): boolean {
    const s = this.lastSoftState;
    return (
      s === null ||
      s.role !== this.roleValue ||
      s.view !== this.viewValue ||
      s.primary !== this.primaryValue
    );
  }

  private resetElectionTimer(): void {
    this.electionElapsedTicks = 0;
    this.electionTimeoutTicks = this.rng.int(
      this.options.electionTimeoutTicksMin,
      this.options.electionTimeoutTicksMax,
    );
    // A sole voter has nobody to wait for: it campaigns at the next tick (a new service's first
    // node is primary at once, as in CCF).
    const configs = this.configurations.active(this.commitSeqnoValue);
    if (configs.length === 1 && configs[0]!.config.voters.length === 1) {
      if (configs[0]!.config.voters[0] === this.id) this.electionTimeoutTicks = 1;
    }
  }

  /** refreshMembership recomputes known nodes and the passive roles after a configuration change. */
  private refreshMembership(): void {
    const active = this.configs();
    this.knownNodes = new Set(nodesOf(active));
    if (this.roleValue === 'primary') {
      // A primary removed from the configuration leaves once its removal is committed.
      if (!isVoterIn(active, this.id)) this.becomeFollower(this.viewValue, null);
      else this.syncProgress(active);
      return;
    }
    const latest = this.configurations.latest();
    let role: Role;
    if (active.length === 0) role = 'learner';
    else if (isVoterIn(active, this.id)) role = this.roleValue === 'candidate' ? 'candidate' : 'backup';
    else if (latest?.config.learners.includes(this.id)) role = 'learner';
    else role = 'retired';
    if (role !== 'candidate') this.preCandidate = false;
    this.roleValue = role;
  }

  private becomeFollower(view: number, primary: NodeId | null): void {
    this.failReads();
    if (view > this.viewValue) {
      this.viewValue = view;
      this.votedFor = null;
      this.hardStateDirty = true;
    }
    this.roleValue = 'backup';
    this.primaryValue = primary;
    this.preCandidate = false;
    this.votes.clear();
    this.progress.clear();
    this.resetElectionTimer();
    this.refreshMembership();
  }

  private onHigherView(from: NodeId, m: RaftMessage): StepResult | null {
    if (m.type === 'RequestVote') {
      // Within the lease of a live primary, ignore disruptive candidates (CheckQuorum, Raft §6).
      if (this.inLease()) return { ok: false, reason: 'ignored: primary lease' };
      if (!m.preVote) this.becomeFollower(m.view, null);
      return null;
    }
    if (m.type === 'RequestVoteResponse' && m.preVote && m.granted) return null;
    const primary = m.type === 'AppendEntries' || m.type === 'InstallSnapshot' ? from : null;
    this.becomeFollower(m.view, primary);
    return null;
  }

  private answerStale(from: NodeId, m: RaftMessage): void {
    // Tell a stale primary or candidate about the newer view so it steps down.
    if (m.type === 'AppendEntries') {
      this.send(from, {
        type: 'AppendEntriesResponse',
        view: this.viewValue,
        success: false,
        lastSeqno: this.log.lastSeqno,
        context: m.context,
      });
    } else if (m.type === 'RequestVote') {
      this.send(from, {
        type: 'RequestVoteResponse',
        view: this.viewValue,
        preVote: m.preVote,
        granted: false,
      });
    } else if (m.type === 'InstallSnapshot') {
      // A stale primary stuck sending snapshots must learn the newer view too (simulator seed 104).
      this.send(from, { type: 'InstallSnapshotResponse', view: this.viewValue, seqno: this.commitSeqnoValue });
    }
  }

  private inLease(): boolean {
    return (
      this.options.checkQuorum &&
      this.primaryValue !== null &&
      this.electionElapsedTicks < this.options.electionTimeoutTicksMin
    );
  }

  // ---- elections (Raft §5.2, PreVote and CheckQuorum from Ongaro's thesis §9.6, §6.2) ----

  private startElection(preVote: boolean): void {
    const active = this.configs();
    if (!isVoterIn(active, this.id)) return;
    this.roleValue = 'candidate';
    this.primaryValue = null;
    this.preCandidate = preVote;
    if (!preVote) {
      this.viewValue++;
      this.votedFor = this.id;
      this.hardStateDirty = true;
    }
    this.votes.clear();
    this.votes.set(this.id, true);
    this.resetElectionTimer();
    const request: RaftMessage = {
      type: 'RequestVote',
      view: preVote ? this.viewValue + 1 : this.viewValue,
      preVote,
      lastSignature: this.log.lastSignature(),
      lastEntry: { view: this.log.lastView, seqno: this.log.lastSeqno },
    };
    for (const id of this.votersOf(active)) if (id !== this.id) this.send(id, request);
    this.tallyVotes();
  }

  private votersOf(configs: readonly ConfigAt[]): NodeId[] {
    const out = new Set<NodeId>();
    for (const c of configs) for (const v of c.config.voters) out.add(v);
    return [...out];
  }

  private onRequestVote(from: NodeId, m: VoteRequest): void {
    const canVote =
      this.votedFor === from ||
      (this.votedFor === null && this.primaryValue === null) ||
      (m.preVote && m.view > this.viewValue);
    // CCF: "up to date" compares the last signature transactions (DESIGN §3).
    const logOk =
      this.bugs.has('vote-without-log-check') ||
      compareTxIds(m.lastSignature, this.log.lastSignature()) >= 0;
    const granted = canVote && logOk && this.roleValue !== 'primary';
    if (granted && !m.preVote) {
      this.votedFor = from;
      this.hardStateDirty = true;
      this.resetElectionTimer();
    }
    this.send(from, {
      type: 'RequestVoteResponse',
      view: granted ? m.view : this.viewValue,
      preVote: m.preVote,
      granted,
    });
  }

  private onVoteResponse(from: NodeId, m: VoteResponse): void {
    if (this.roleValue !== 'candidate' || m.preVote !== this.preCandidate) return;
    const expectedView = this.preCandidate ? this.viewValue + 1 : this.viewValue;
    if (m.granted && m.view !== expectedView) return;
    this.votes.set(from, m.granted);
    this.tallyVotes();
  }

  private tallyVotes(): void {
    const active = this.configs();
    if (!hasQuorum(active, (id) => this.votes.get(id) === true)) return;
    if (this.preCandidate) this.startElection(false);
    else this.becomePrimary();
  }

  private becomePrimary(): void {
    assert(this.roleValue === 'candidate' && !this.preCandidate, 'only a candidate wins');
    this.roleValue = 'primary';
    this.primaryValue = this.id;
    this.votes.clear();
    // CCF: roll back to the last signature, then sign in the new view at once (DESIGN §3).
    const lastSignature = this.log.lastSignature();
    if (!this.bugs.has('no-rollback-on-election')) this.rollbackTo(lastSignature.seqno);
    this.progress.clear();
    this.syncProgress(this.configs());
    this.heartbeatElapsedTicks = 0;
    this.checkQuorumElapsedTicks = 0;
    this.electionElapsedTicks = 0;
    this.appendSignature();
    this.viewStartSeqno = this.log.lastSeqno;
    this.broadcastAppend(true);
  }

  /** syncProgress tracks exactly the peers of the active configurations. */
  private syncProgress(active: readonly ConfigAt[]): void {
    const peers = new Set(nodesOf(active));
    peers.delete(this.id);
    for (const id of this.progress.keys()) if (!peers.has(id)) this.progress.delete(id);
    for (const id of peers) {
      if (!this.progress.has(id)) this.progress.set(id, new Progress(this.log.lastSeqno + 1));
    }
  }

  private tickPrimary(): void {
    this.heartbeatElapsedTicks++;
    this.checkQuorumElapsedTicks++;
    if (this.log.unsignedCount() > 0) {
      this.unsignedElapsedTicks++;
      if (this.unsignedElapsedTicks >= this.options.signatureIntervalTicks) {
        this.appendSignature();
        this.broadcastAppend(false);
      }
    }
    if (this.options.checkQuorum && this.checkQuorumElapsedTicks >= this.options.electionTimeoutTicksMin) {
      this.checkQuorumElapsedTicks = 0;
      this.electionElapsedTicks = 0;
      const active = this.configs();
      const quorumActive = hasQuorum(
        active,
        (id) => id === this.id || this.progress.get(id)?.recentActive === true,
      );
      for (const p of this.progress.values()) p.recentActive = false;
      if (!quorumActive) {
        this.becomeFollower(this.viewValue, null);
        return;
      }
    }
    if (this.heartbeatElapsedTicks >= this.options.heartbeatIntervalTicks) {
      this.heartbeatElapsedTicks = 0;
      this.heartbeat();
    }
  }

  // ---- log changes (every one is mirrored into the history synchronously) ----

  private appendToLog(entry: LogEntry): void {
    this.log.append(entry);
    this.history.append(entry);
    if (entry.kind === 'config') {
      assert(entry.config !== undefined, 'config entries carry a configuration');
      this.configurations.add({ seqno: entry.seqno, config: entry.config });
    }
    this.entriesToPersist.push(entry);
  }

  private appendLocal(kind: EntryKind, data: Uint8Array, config: Configuration | undefined): TxId {
    const view = this.viewValue;
    const seqno = this.log.lastSeqno + 1;
    const entry: LogEntry =
      config === undefined ? { view, seqno, kind, data } : { view, seqno, kind, data, config };
    this.appendToLog(entry);
    if (kind === 'config') this.refreshMembership();
    return { view, seqno };
  }

  private appendSignature(): void {
    assert(this.roleValue === 'primary', 'only the primary signs');
    const txId = { view: this.viewValue, seqno: this.log.lastSeqno + 1 };
    this.appendLocal('signature', this.history.sign(txId), undefined);
    this.unsignedElapsedTicks = 0;
  }

  private proposeEntry(kind: EntryKind, data: Uint8Array, config: Configuration | undefined): ProposeResult {
    if (this.roleValue !== 'primary') return { ok: false, reason: 'NotPrimary' };
    if (this.log.lastSeqno - this.commitSeqnoValue >= this.options.proposalQueueCountMax) {
      return { ok: false, reason: 'QueueFull' };
    }
    const txId = this.appendLocal(kind, data, config);
    if (kind === 'config' || this.log.unsignedCount() >= this.options.signatureIntervalTxCount) {
      this.appendSignature();
    }
    return { ok: true, txId };
  }

  /** rollbackTo drops every entry after `seqno` (never a committed one: pitfall 2). */
  private rollbackTo(seqno: number): void {
    if (seqno >= this.log.lastSeqno) return;
    assert(seqno >= this.commitSeqnoValue, 'a committed entry is never rolled back');
    const from = seqno + 1;
    this.log.truncateFrom(from);
    this.history.truncate(from);
    this.configurations.truncateFrom(from);
    this.entriesToPersist = this.entriesToPersist.filter((e) => e.seqno < from);
    this.truncateFromSeqno = Math.min(this.truncateFromSeqno ?? from, from);
    this.rolledBackFromSeqno = Math.min(this.rolledBackFromSeqno ?? from, from);
    this.persistedSeqno = Math.min(this.persistedSeqno, seqno);
    this.refreshMembership();
  }

  private commitTo(seqno: number): void {
    assert(seqno > this.commitSeqnoValue, 'commit never moves backwards');
    assert(seqno <= this.log.lastSeqno, 'commit within the log');
    if (!this.bugs.has('commit-non-signature')) {
      assert(this.log.entryAt(seqno)?.kind === 'signature', 'only signatures become commit points');
    }
    this.commitSeqnoValue = seqno;
    // The commit point is a hint for restarts (re-derived from the cluster anyway). It is written
    // only with entries or a view/vote change, never on its own: that would add a disk round
    // trip to every commit.
    this.commitHintDirty = true;
    this.refreshMembership();
  }

  // ---- replication (Raft §5.3) ----

  private maybeCommit(): void {
    const active = this.configs();
    let matched = this.bugs.has('commit-without-quorum')
      ? this.persistedSeqno
      : quorumMatch(active, (id) =>
          id === this.id ? this.persistedSeqno : (this.progress.get(id)?.matchSeqno ?? 0),
        );
    matched = Math.min(matched, this.persistedSeqno, this.log.lastSeqno);
    const candidate = this.bugs.has('commit-non-signature')
      ? matched
      : this.log.lastSignatureAtOrBefore(matched);
    if (candidate <= this.commitSeqnoValue) return;
    // Only an entry of the current view commits by counting replicas (Raft §5.4.2, "Figure 8").
    if (candidate < this.viewStartSeqno || this.log.viewAt(candidate) !== this.viewValue) return;
    this.commitTo(candidate);
    this.commitBroadcastPending = true;
  }

  private heartbeat(): void {
    for (const [id, p] of this.progress) {
      if (p.state === 'snapshot') {
        p.snapshotTicks += this.options.heartbeatIntervalTicks;
        if (p.snapshotTicks >= this.options.electionTimeoutTicksMin) this.sendSnapshot(id, p);
        continue;
      }
      if (p.state === 'replicate' && p.inflightBytes > 0 && !p.ackedSinceHeartbeat) {
        p.becomeProbe(p.matchSeqno + 1);
      }
      if (p.state === 'probe') p.probeSent = false;
      p.ackedSinceHeartbeat = false;
      this.sendAppend(id, p, true);
    }
  }

  private broadcastAppend(force: boolean): void {
    for (const [id, p] of this.progress) this.sendAppend(id, p, force);
  }

  /** sendAppend sends what `p` may receive now; with `force`, at least an empty AppendEntries. */
  private sendAppend(id: NodeId, p: Progress, force: boolean): void {
    if (p.state === 'snapshot') return;
    if (p.nextSeqno <= this.log.offsetSeqno) {
      this.sendSnapshot(id, p);
      return;
    }
    let sent = false;
    while (p.canSend(this.options.inflightBytesMax) && p.nextSeqno <= this.log.lastSeqno) {
      const entries = this.log.slice(
        p.nextSeqno,
        this.log.lastSeqno,
        this.options.appendEntriesBytesMax,
      );
      let bytes = 0;
      for (const e of entries) bytes += e.data.byteLength + 64;
      this.sendEntries(id, p.nextSeqno - 1, entries);
      p.sent(entries[entries.length - 1]!.seqno, bytes);
      sent = true;
      if (p.state !== 'replicate') break;
    }
    if (sent || !force) return;
    // Heartbeat: an empty AppendEntries at a point known to match (or the probe point).
    const prevSeqno = p.state === 'probe' ? p.nextSeqno - 1 : p.matchSeqno;
    if (prevSeqno < this.log.offsetSeqno) {
      this.sendSnapshot(id, p);
      return;
    }
    this.sendEntries(id, prevSeqno, []);
    if (p.state === 'probe') p.probeSent = true;
  }

  private sendEntries(to: NodeId, prevSeqno: number, entries: readonly LogEntry[]): void {
    const prevView = this.log.viewAt(prevSeqno);
    assert(prevView !== undefined, 'previous entry must be in the log');
    this.send(to, {
      type: 'AppendEntries',
      view: this.viewValue,
      prevSeqno,
      prevView,
      entries,
      commitSeqno: this.commitSeqnoValue,
      context: this.readContext,
    });
  }

  private sendSnapshot(id: NodeId, p: Progress): void {
    const snapshot = this.latestSnapshot;
    assert(snapshot !== null, 'a compacted log has a snapshot');
    p.becomeSnapshot();
    this.send(id, { type: 'InstallSnapshot', view: this.viewValue, snapshot });
  }

  private onAppendResponse(from: NodeId, m: AppendResponse): StepResult {
    if (this.roleValue !== 'primary') return { ok: true };
    const p = this.progress.get(from);
    if (p === undefined) return { ok: false, reason: 'response from a node that is not a peer' };
    if (m.lastSeqno > this.log.lastSeqno) return { ok: false, reason: 'ack beyond the log' };
    if (m.context > this.readContext) return { ok: false, reason: 'read context from the future' };
    if (m.context > (this.readAcks.get(from) ?? 0)) {
      this.readAcks.set(from, m.context);
      this.checkReads();
    }
    if (m.success) {
      const advanced = p.acknowledge(m.lastSeqno);
      if (p.state === 'probe') p.becomeReplicate();
      if (advanced) this.maybeCommit();
    } else {
      p.recentActive = true;
      if (p.state === 'snapshot') return { ok: true };
      // A hint below the match point means the backup lost an unsigned tail in a restart (its
      // recovery cuts back to the last signature): probe from there, or it stays stuck (sim seed 1287).
      p.forgetMatchAbove(m.lastSeqno);
      p.becomeProbe(Math.min(m.lastSeqno + 1, p.nextSeqno));
    }
    this.sendAppend(from, p, false);
    return { ok: true };
  }

  private onSnapshotResponse(from: NodeId, seqno: number): StepResult {
    if (this.roleValue !== 'primary') return { ok: true };
    const p = this.progress.get(from);
    if (p === undefined) return { ok: false, reason: 'response from a node that is not a peer' };
    if (seqno > this.log.lastSeqno) return { ok: false, reason: 'ack beyond the log' };
    p.acknowledge(seqno);
    p.becomeProbe(p.matchSeqno + 1);
    this.maybeCommit();
    this.sendAppend(from, p, true);
    return { ok: true };
  }

  // ---- backups ----

  private acceptPrimary(from: NodeId): void {
    if (this.roleValue === 'candidate' || this.roleValue === 'primary') {
      this.becomeFollower(this.viewValue, from);
    }
    this.primaryValue = from;
    this.electionElapsedTicks = 0;
  }

  private reply(to: NodeId, success: boolean, lastSeqno: number, context: number): void {
    this.send(to, { type: 'AppendEntriesResponse', view: this.viewValue, success, lastSeqno, context });
  }

  private onAppendEntries(from: NodeId, m: Append): void {
    this.acceptPrimary(from);
    let prevSeqno = m.prevSeqno;
    let prevView = m.prevView;
    let start = 0;
    const offset = this.log.offsetSeqno;
    if (prevSeqno < offset) {
      // Entries up to the offset are committed here already; skip them.
      start = offset - prevSeqno;
      if (start > m.entries.length) {
        this.reply(from, true, offset, m.context);
        return;
      }
      prevSeqno = offset;
      prevView = start === 0 ? prevView : m.entries[start - 1]!.view;
    }
    if (prevSeqno > this.log.lastSeqno) {
      this.reply(from, false, this.log.lastSeqno, m.context);
      return;
    }
    if (this.log.viewAt(prevSeqno) !== prevView) {
      this.reply(from, false, this.conflictHint(prevSeqno, prevView), m.context);
      return;
    }
    for (let i = start; i < m.entries.length; i++) {
      const e = m.entries[i]!;
      const existing = this.log.viewAt(e.seqno);
      if (existing === e.view) continue;
      if (existing !== undefined) this.rollbackTo(e.seqno - 1);
      this.appendToLog(e);
      if (e.kind === 'config') this.refreshMembership();
    }
    const lastNew = m.prevSeqno + m.entries.length;
    const target = Math.min(m.commitSeqno, lastNew);
    const commit = this.bugs.has('commit-non-signature')
      ? target
      : this.log.lastSignatureAtOrBefore(target);
    if (commit > this.commitSeqnoValue) this.commitTo(commit);
    this.reply(from, true, lastNew, m.context);
  }

  /** conflictHint: the highest seqno at or before prevSeqno - 1 that may match (etcd's findConflictByTerm). */
  private conflictHint(prevSeqno: number, prevView: number): number {
    let s = Math.min(prevSeqno - 1, this.log.lastSeqno);
    const floor = Math.max(this.commitSeqnoValue, this.log.offsetSeqno);
    while (s > floor && (this.log.viewAt(s) ?? 0) > prevView) s--;
    return Math.max(s, 0);
  }

  private onInstallSnapshot(from: NodeId, m: SnapshotRequest): void {
    this.acceptPrimary(from);
    const snapshot = m.snapshot;
    const reply = (seqno: number): void =>
      this.send(from, { type: 'InstallSnapshotResponse', view: this.viewValue, seqno });
    if (snapshot.seqno <= this.commitSeqnoValue) {
      reply(this.commitSeqnoValue);
      return;
    }
    if (this.log.viewAt(snapshot.seqno) === snapshot.view) {
      // Same tx id: by log matching, this log already holds the snapshot's prefix.
      if (this.log.entryAt(snapshot.seqno)?.kind === 'signature') this.commitTo(snapshot.seqno);
      reply(snapshot.seqno);
      return;
    }
    const from1 = this.log.offsetSeqno + 1;
    const oldCommitSeqno = this.commitSeqnoValue;
    this.log.reset(snapshot);
    this.history.reset(snapshot);
    this.configurations.reset(snapshot.configs);
    this.entriesToPersist = [];
    this.truncateFromSeqno = Math.min(this.truncateFromSeqno ?? from1, from1);
    this.rolledBackFromSeqno = Math.min(this.rolledBackFromSeqno ?? oldCommitSeqno + 1, oldCommitSeqno + 1);
    this.snapshotToPersist = snapshot;
    this.snapshotToApply = snapshot;
    this.latestSnapshot = snapshot;
    this.commitSeqnoValue = snapshot.seqno;
    this.appliedSeqno = snapshot.seqno;
    this.persistedSeqno = Math.min(this.persistedSeqno, snapshot.seqno);
    this.hardStateDirty = true;
    this.refreshMembership();
    reply(snapshot.seqno);
  }

  private send(to: NodeId, message: RaftMessage): void {
    const early =
      this.roleValue === 'primary' &&
      (message.type === 'AppendEntries' || message.type === 'InstallSnapshot');
    (early ? this.earlyMessages : this.messages).push({ to, message });
  }
}
