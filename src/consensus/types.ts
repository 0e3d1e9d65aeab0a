// Types of the consensus core: log entries, configurations, messages, the Ready record and options.
// Vocabulary is CCF's: view = Raft term, seqno = log index, primary/backup = leader/follower.

/** NodeId names a node (in the node runtime: hex SHA-256 of its public key DER). */
export type NodeId = string;

/** Role of a node in consensus. `retired` nodes are in no active configuration and stay passive. */
export type Role = 'primary' | 'backup' | 'candidate' | 'learner' | 'retired';

/** TxId is a transaction id `view.seqno`. */
export interface TxId {
  readonly view: number;
  readonly seqno: number;
}

/** Configuration is the set of voting nodes and learners (replicate, never vote, never count). */
export interface Configuration {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/**
 * EntryKind: `data` is an application transaction (opaque bytes), `signature` a signature transaction
 * (payload from the injected Signer; the only kind that can become the commit point), `config` a
 * reconfiguration carrying the new Configuration (it takes effect as soon as it is appended).
 */
export type EntryKind = 'data' | 'signature' | 'config';

/** LogEntry is one transaction in the replicated log. */
export interface LogEntry {
  readonly view: number;
  readonly seqno: number;
  readonly kind: EntryKind;
  readonly data: Uint8Array;
  /** Present exactly when kind === 'config'. */
  readonly config?: Configuration;
}

/** HardState is what must be durable BEFORE any message that depends on it leaves the node. */
export interface HardState {
  readonly view: number;
  readonly votedFor: NodeId | null;
  /** Highest committed seqno known when this was written (a hint; commit is re-derived). */
  readonly commitSeqno: number;
}

/**
 * SnapshotMeta describes a snapshot of the state machine taken at a committed signature seqno.
 * `data` is opaque to consensus (the KV snapshot + Merkle tree state in later layers).
 */
export interface Snapshot {
  readonly seqno: number;
  readonly view: number;
  /** The configurations active at `seqno` (committed one first, then any later ones in order). */
  readonly configs: readonly ConfigAt[];
  readonly data: Uint8Array;
}

/** ConfigAt is a configuration and the seqno of the entry that introduced it (0 = genesis). */
export interface ConfigAt {
  readonly seqno: number;
  readonly config: Configuration;
}

/** RaftMessage is everything nodes exchange. All fields are untrusted when they arrive. */
export type RaftMessage =
  | {
      readonly type: 'RequestVote';
      readonly view: number;
      /** PreVote: asks "would you vote for me in `view`" without anyone bumping their view. */
      readonly preVote: boolean;
      readonly lastSignature: TxId;
      readonly lastEntry: TxId;
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
      readonly entries: readonly LogEntry[];
      readonly commitSeqno: number;
      /** Echoed back in the response; ReadIndex uses it to match quorum rounds. */
      readonly context: number;
    }
  | {
      readonly type: 'AppendEntriesResponse';
      readonly view: number;
      readonly success: boolean;
      /** On success: highest seqno now known to match. On failure: hint where to retry from. */
      readonly lastSeqno: number;
      readonly context: number;
    }
  | { readonly type: 'InstallSnapshot'; readonly view: number; readonly snapshot: Snapshot }
  | { readonly type: 'InstallSnapshotResponse'; readonly view: number; readonly seqno: number };

/** Outbound is a message to one peer. */
export interface Outbound {
  readonly to: NodeId;
  readonly message: RaftMessage;
}

/**
 * Ready lists the work the host must perform, IN THIS ORDER:
 *  1. persist, in this order: write `snapshotToPersist` if set (it replaces all entries up to its
 *     seqno); if `truncateFromSeqno` is set, drop persisted entries with seqno >= it; append
 *     `entriesToPersist`; write `hardState` if set; then fsync (one fsync for the whole Ready);
 *  2. THEN send `messages` (never before step 1 is durable);
 *  3. THEN apply `snapshotToApply` (if set) and then `committed` entries to the state machine;
 *  4. THEN call `advance(ready)`.
 */
export interface Ready {
  readonly truncateFromSeqno: number | null;
  readonly entriesToPersist: readonly LogEntry[];
  readonly hardState: HardState | null;
  readonly snapshotToPersist: Snapshot | null;
  /**
   * The primary's AppendEntries and InstallSnapshot: they depend on nothing this Ready persists,
   * so the host may send them BEFORE step 1 (the primary writes its log in parallel with the
   * backups; its own copy counts towards commit only after advance(): Raft thesis §10.2.1).
   */
  readonly earlyMessages: readonly Outbound[];
  readonly messages: readonly Outbound[];
  readonly snapshotToApply: Snapshot | null;
  readonly committed: readonly LogEntry[];
  /** Set when the role, view or known primary changed since the previous Ready. */
  readonly softState: SoftState | null;
  /** Rolled back entries whose pending client responses must fail (pitfall 2). */
  readonly rolledBackFromSeqno: number | null;
  /** Answers to requestReadIndex(): serve the read once `index` is applied; null = lost leadership. */
  readonly readStates: readonly ReadState[];
}

/** ReadState answers one ReadIndex request (Raft thesis §6.4). */
export interface ReadState {
  readonly context: number;
  readonly index: number | null;
}

/** SoftState is volatile state the host may show (not persisted). */
export interface SoftState {
  readonly role: Role;
  readonly view: number;
  readonly primary: NodeId | null;
}

/**
 * History is the host's tamper-evident view of the log (the Merkle tree in the ledger layer).
 * The core calls it synchronously on EVERY change of its log, so the host's tree always matches
 * the log at the moment `sign` is called (CCF's consensus drives `history->rollback` the same way).
 */
export interface History {
  /** append: `entry` was appended at `entry.seqno` (seqnos arrive in order, without gaps). */
  append(entry: LogEntry): void;
  /** truncate: every entry with seqno >= `fromSeqno` was rolled back. */
  truncate(fromSeqno: number): void;
  /** reset: the log now starts after `snapshot` (installed from the primary or restored). */
  reset(snapshot: Snapshot): void;
  /** sign returns the payload of a signature transaction at `txId` over entries < txId.seqno. */
  sign(txId: TxId): Uint8Array;
}

/** RaftOptions: all intervals are counted in ticks; the host decides how long a tick is. */
export interface RaftOptions {
  readonly id: NodeId;
  /** Election timeout is drawn uniformly from [min, max] ticks at each reset. */
  readonly electionTimeoutTicksMin: number;
  readonly electionTimeoutTicksMax: number;
  readonly heartbeatIntervalTicks: number;
  /** Emit a signature after at most this many unsigned transactions. */
  readonly signatureIntervalTxCount: number;
  /** Emit a signature after at most this many ticks with unsigned transactions. */
  readonly signatureIntervalTicks: number;
  /** Bytes of AppendEntries in flight to one backup before the primary waits for acks. */
  readonly inflightBytesMax: number;
  /** Maximum bytes of entries in one AppendEntries message. */
  readonly appendEntriesBytesMax: number;
  /** Maximum proposals waiting in the queue before propose() is refused. */
  readonly proposalQueueCountMax: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Deliberate bugs for checker tests; only the simulator can set them (see bugs.ts). */
  readonly bugs?: ReadonlySet<BugName>;
}

/** BugName lists deliberately wrong behaviours the simulator switches on to prove its checkers. */
export type BugName =
  | 'commit-without-quorum'
  | 'vote-without-log-check'
  | 'no-rollback-on-election'
  | 'commit-non-signature';

/** PersistedState is what the host reads back from disk to restart a node. */
export interface PersistedState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** Entries after the snapshot (or from seqno 1), contiguous. */
  readonly entries: readonly LogEntry[];
}
