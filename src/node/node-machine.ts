// NodeMachine: one node's consensus + KV store + ledger, wired together and driven through ports
// (LedgerStorage, RaftTransport) with callbacks, never Promises — so the deterministic simulator
// and the real node run exactly this code (DESIGN §2, STYLE rule 1).
import type { ProposeResult, StepResult } from '../consensus/raft-core.js';
import { RaftCore } from '../consensus/raft-core.js';
import type {
  Configuration,
  HardState,
  LogEntry,
  NodeId,
  PersistedState,
  RaftMessage,
  RaftOptions,
  Ready,
  Role,
  Snapshot,
  TxId,
} from '../consensus/types.js';
import { assert } from '../ds/assert.js';
import { ConsortError } from '../ds/errors.js';
import type { Rng } from '../ds/rng.js';
import type { Tx } from '../kv/tx.js';
import { serializeWriteSet } from '../kv/write-set.js';
import { base64ToBytes, utf8 } from '../crypto/encoding.js';
import { sha256 } from '../crypto/sha256.js';
import { decodeLedgerEntry, encodeLedgerEntry } from '../ledger/ledger-entry.js';
import type { LedgerSecret } from '../ledger/ledger-secret.js';
import { encodeLedgerSnapshot } from '../ledger/ledger-snapshot.js';
import { LedgerState, type NodeSigner, ZERO_CLAIMS } from '../ledger/ledger-state.js';
import { decodeSignaturePublicDomain } from '../ledger/signature-tx.js';
import { buildReceipt } from '../receipt/build-receipt.js';
import type { Receipt } from '../receipt/receipt.js';
import { type Outcome, TxOutcomes, type TxStatus } from './tx-outcomes.js';

/** PersistWork is one Ready's durable part, in the order the storage must apply it. */
export interface PersistWork {
  readonly snapshot: Snapshot | null;
  readonly truncateFromSeqno: number | null;
  readonly entries: readonly LogEntry[];
  readonly hardState: HardState | null;
}

/** LedgerStorage makes PersistWork durable (ONE fsync per call) and then calls `done`. */
export interface LedgerStorage {
  persist(work: PersistWork, done: (error: Error | null) => void): void;
  /** committed tells the storage the commit point moved (to close and rename chunks). */
  committed(seqno: number): void;
  /** snapshot stores a snapshot taken at a committed signature (written in the background). */
  snapshot(snapshot: Snapshot): void;
}

/** RaftTransport sends consensus messages (best effort; Raft tolerates loss). */
export interface RaftTransport {
  send(to: NodeId, message: RaftMessage): void;
}

export interface NodeMachineDeps {
  readonly rng: Rng;
  readonly storage: LedgerStorage;
  readonly transport: RaftTransport;
  readonly signer: NodeSigner;
  readonly secret: LedgerSecret;
  /** nodeCertPem returns the certificate of a node (to put in receipts), or null if unknown. */
  readonly nodeCertPem: (nodeId: NodeId) => string | null;
  /**
   * schedule, when given, defers draining the core to a later turn (the runtime passes
   * setImmediate), so the messages and requests of one event-loop turn share one Ready: one
   * ReadIndex round for many reads, one signature for many writes. Without it (the simulator)
   * every input is drained at once.
   */
  readonly schedule?: (run: () => void) => void;
  /** event reports what matters (role changes, commits, snapshots) for logs and the simulator. */
  readonly event?: (event: NodeEvent) => void;
}

export type NodeEvent =
  | { readonly type: 'role'; readonly role: Role; readonly view: number; readonly primary: NodeId | null }
  | { readonly type: 'committed'; readonly seqno: number; readonly entries: readonly LogEntry[] }
  | { readonly type: 'rolledBack'; readonly fromSeqno: number }
  | { readonly type: 'snapshot'; readonly seqno: number };

export interface NodeMachineOptions {
  readonly raft: RaftOptions;
  /** Take a snapshot once this many entries committed since the last one (0 = never). */
  readonly snapshotIntervalTxCount: number;
}

/** NotPrimaryError: writes go to the primary (the node runtime forwards them). */
export class NotPrimaryError extends ConsortError {
  override readonly name = 'NotPrimaryError';
  /** primary is the node believed to be primary, if any (where to forward). */
  readonly primary: NodeId | null;
  constructor(primary: NodeId | null) {
    super('NotPrimary', primary === null ? 'no primary is known' : `the primary is ${primary}`, {
      httpStatus: 503,
    });
    this.primary = primary;
  }
}

/** BusyError: the proposal queue is full (backpressure → 429). */
export class BusyError extends ConsortError {
  override readonly name = 'BusyError';
  constructor() {
    super('TooManyPendingTransactions', 'too many transactions are pending commit', { httpStatus: 429 });
  }
}

/** FatalStorageError: the disk failed; the node must stop (pitfall 10: never retry and continue). */
export class FatalStorageError extends ConsortError {
  override readonly name = 'FatalStorageError';
}

function needsDisk(ready: Ready): boolean {
  return (
    ready.entriesToPersist.length > 0 ||
    ready.hardState !== null ||
    ready.snapshotToPersist !== null ||
    ready.truncateFromSeqno !== null
  );
}

/** ReceiptResult: a receipt, or why there is none (CCF error codes). */
export type ReceiptResult =
  | { readonly ok: true; readonly receipt: Receipt }
  | { readonly ok: false; readonly code: string; readonly message: string };

function receiptError(code: string, message: string): ReceiptResult {
  return { ok: false, code, message };
}

/** ExecuteResult: a write's tx id and the handler's result; the tx is Pending until committed. */
export interface ExecuteResult<T> {
  readonly txId: TxId;
  readonly result: T;
}

/**
 * NodeMachine runs one node. Call `tick()` on a timer, `receive()` for each consensus message,
 * `execute()` for application writes at the primary. It drains the core's Ready records through
 * the storage and transport in the order the core requires (persist → send → apply → advance).
 */
export class NodeMachine {
  readonly core: RaftCore;
  readonly ledger: LedgerState;
  readonly outcomes: TxOutcomes;
  private readonly deps: NodeMachineDeps;
  private readonly options: NodeMachineOptions;
  private persisting = false;
  private pumping = false;
  private stopped = false;
  private lastSnapshotSeqno: number;
  private lastCommittedSignature = 0;
  private appliedCommitSeqno = 0;
  private readonly readWaiters = new Map<number, (index: number | null) => void>();
  private readonly listeners: ((event: NodeEvent) => void)[] = [];

  constructor(deps: NodeMachineDeps, options: NodeMachineOptions, init: {
    readonly persisted: PersistedState;
    readonly genesis: Configuration | null;
  }) {
    this.deps = deps;
    this.options = options;
    this.ledger = new LedgerState({ secret: deps.secret, signer: deps.signer });
    this.core = new RaftCore({ rng: deps.rng, history: this.ledger }, options.raft, init);
    this.outcomes = new TxOutcomes();
    this.lastSnapshotSeqno = init.persisted.snapshot?.seqno ?? 0;
    this.appliedCommitSeqno = this.lastSnapshotSeqno;
  }

  get id(): NodeId {
    return this.core.id;
  }

  /** stop makes the machine inert (crash in the simulator, shutdown in the node). */
  stop(): void {
    this.stopped = true;
  }

  tick(): void {
    if (this.stopped) return;
    this.core.tick();
    this.requestPump();
  }

  receive(from: NodeId, message: unknown): StepResult {
    if (this.stopped) return { ok: false, reason: 'node stopped' };
    const result = this.core.step(from, message);
    this.requestPump();
    return result;
  }

  /**
   * execute runs `handler` as a transaction at the primary and proposes its write set. Throws
   * NotPrimaryError or BusyError, or whatever the handler throws (nothing is proposed then).
   * A read-only transaction is answered at once without a tx id of its own.
   */
  execute<T>(handler: (tx: Tx) => T, claimsDigest: Uint8Array | null = null): ExecuteResult<T> | { readonly result: T } {
    if (this.core.role !== 'primary') throw new NotPrimaryError(this.core.primary);
    if (!this.core.canPropose()) throw new BusyError();
    const store = this.ledger.store;
    const tx = store.begin();
    const result = handler(tx);
    if (tx.isReadOnly()) return { result };
    const txId = this.core.nextTxId();
    const domains = store.commitSerialized(tx, txId.seqno);
    const data = encodeLedgerEntry(
      { ...txId, kind: 0, claimsDigest, publicBytes: domains.publicBytes, privateBytes: domains.privateBytes },
      this.deps.secret,
    );
    const proposed = this.core.propose(data);
    assert(proposed.ok, 'a primary with room accepts a proposal');
    assert(proposed.txId.seqno === txId.seqno && proposed.txId.view === txId.view, 'tx id predicted');
    this.requestPump();
    return { txId, result };
  }

  /** addListener subscribes to node events (role changes, commits, snapshots) besides deps.event. */
  addListener(listener: (event: NodeEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(event: NodeEvent): void {
    this.deps.event?.(event);
    for (const listener of this.listeners) listener(event);
  }

  /** committedSeqno is the commit point applied here (reads of committed state use it). */
  get committedSeqno(): number {
    return this.appliedCommitSeqno;
  }

  /**
   * readIndex asks the primary to confirm its leadership with a quorum round (ReadIndex); then
   * `callback(index)` runs once the state up to `index` is applied here — read the committed state
   * (`ledger.store.beginAt(committedSeqno)`) inside it. `null` means leadership was lost: retry.
   * Throws NotPrimaryError at a backup or a primary that has not committed in its view yet.
   */
  readIndex(callback: (index: number | null) => void): void {
    const request = this.core.requestReadIndex();
    if (!request.ok) throw new NotPrimaryError(this.core.role === 'primary' ? null : this.core.primary);
    this.readWaiters.set(request.context, callback);
    this.requestPump();
  }

  /** proposeConfig proposes a new configuration, recorded in `public:ccf.internal.config`. */
  proposeConfig(config: Configuration): ProposeResult {
    if (this.core.role !== 'primary') return { ok: false, reason: 'NotPrimary' };
    const txId = this.core.nextTxId();
    const publicBytes = serializeWriteSet({
      maps: [
        {
          name: 'public:ccf.internal.config',
          writes: [{ key: utf8('0'), value: utf8(JSON.stringify(config)) }],
        },
      ],
    }).publicBytes;
    const data = encodeLedgerEntry(
      { ...txId, kind: 2, publicBytes, privateBytes: new Uint8Array(0) },
      this.deps.secret,
    );
    // The store must hold the write before consensus appends it (the primary executes first).
    const tx = this.ledger.store.begin();
    tx.map('public:ccf.internal.config').set(utf8('0'), utf8(JSON.stringify(config)));
    this.ledger.store.commit(tx, txId.seqno);
    const result = this.core.proposeConfig(config, data);
    if (!result.ok) this.ledger.store.rollback(txId.seqno - 1);
    this.requestPump();
    return result;
  }

  /** status answers /node/tx: Committed, Pending, Invalid or Unknown (CCF's TxStatus). */
  status(txId: TxId): TxStatus {
    const core = this.core;
    const view = core.viewAt(txId.seqno);
    // Beyond the log, or compacted away (the ledger files answer historical queries).
    if (view === undefined) return 'Unknown';
    if (txId.seqno <= core.commitSeqno) return view === txId.view ? 'Committed' : 'Invalid';
    return view === txId.view ? 'Pending' : 'Unknown';
  }

  /**
   * onOutcome calls `callback` once `txId` is Committed or Invalid here, or Unknown when this node
   * can no longer tell (its log was replaced by a snapshot before the fate was known).
   */
  onOutcome(txId: TxId, callback: (status: Outcome) => void): void {
    const now = this.status(txId);
    if (now === 'Committed' || now === 'Invalid') {
      callback(now);
      return;
    }
    if (txId.seqno <= this.core.commitSeqno) {
      // Committed history this node no longer holds (compacted): it cannot tell the view.
      callback('Unknown');
      return;
    }
    this.outcomes.wait(txId, callback);
  }

  /**
   * receipt builds the receipt of a committed transaction from the first committed signature after
   * it (CCF/ACL JSON shape). Receipts of transactions older than the in-memory tree need the ledger
   * files (historical queries) and answer ReceiptUnavailable here.
   */
  receipt(txId: TxId): ReceiptResult {
    const status = this.status(txId);
    if (status === 'Pending') return receiptError('TransactionPendingOrUnknown', 'not committed yet');
    if (status === 'Invalid') return receiptError('TransactionInvalid', 'this tx id was not committed');
    if (status === 'Unknown') return receiptError('TransactionNotFound', 'unknown or historical tx id');
    const core = this.core;
    let signatureSeqno = txId.seqno + 1;
    while (signatureSeqno <= core.commitSeqno && core.entryAt(signatureSeqno)?.kind !== 'signature') {
      signatureSeqno++;
    }
    const signatureEntry = core.entryAt(signatureSeqno);
    const entry = core.entryAt(txId.seqno);
    const tree = this.ledger.tree;
    if (signatureEntry === undefined || entry === undefined || txId.seqno - 1 < tree.floor) {
      return receiptError('ReceiptUnavailable', 'the tree no longer holds this transaction');
    }
    const signature = decodeSignaturePublicDomain(decodeLedgerEntry(signatureEntry.data).publicBytes);
    const cert = this.deps.nodeCertPem(signature.nodeId);
    if (cert === null) return receiptError('ReceiptUnavailable', 'the signing node is unknown');
    const decoded = decodeLedgerEntry(entry.data);
    const receipt = buildReceipt({
      leafComponents: {
        writeSetDigest: sha256(entry.data),
        commitEvidence: this.deps.secret.commitEvidence(entry.view, entry.seqno),
        claimsDigest: decoded.claimsDigest ?? ZERO_CLAIMS,
      },
      proof: tree.inclusionProof(txId.seqno - 1, signatureSeqno - 1),
      signature: base64ToBytes(signature.signature),
      nodeCertPem: cert,
      nodeId: signature.nodeId,
      transactionId: `${txId.view}.${txId.seqno}`,
    });
    return { ok: true, receipt };
  }

  private pumpScheduled = false;

  /** requestPump drains now, or once per turn when the host schedules draining. */
  private requestPump(): void {
    const schedule = this.deps.schedule;
    if (schedule === undefined) {
      this.pump();
      return;
    }
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    schedule(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** pump drains Ready records while the storage is idle. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && !this.persisting && this.core.hasReady()) {
        const ready = this.core.takeReady();
        // The primary's replication goes out before its own write: both disks work at once.
        for (const out of ready.earlyMessages) this.deps.transport.send(out.to, out.message);
        if (!needsDisk(ready)) {
          // Nothing durable to write: no disk round trip (replies, commits, read confirmations).
          this.afterPersist(ready, null);
          continue;
        }
        this.persisting = true;
        let completedSynchronously = false;
        let syncError: Error | null = null;
        let inCall = true;
        this.deps.storage.persist(
          {
            snapshot: ready.snapshotToPersist,
            truncateFromSeqno: ready.truncateFromSeqno,
            entries: ready.entriesToPersist,
            hardState: ready.hardState,
          },
          (error) => {
            if (inCall) {
              completedSynchronously = true;
              syncError = error;
            } else {
              this.afterPersist(ready, error);
              this.pump();
            }
          },
        );
        inCall = false;
        if (completedSynchronously) this.afterPersist(ready, syncError);
      }
    } finally {
      this.pumping = false;
    }
  }

  private afterPersist(ready: Ready, error: Error | null): void {
    this.persisting = false;
    if (this.stopped) return;
    if (error !== null) {
      this.stopped = true;
      throw new FatalStorageError('StorageFailure', `ledger write failed: ${error.message}`, {
        cause: error,
      });
    }
    for (const out of ready.messages) this.deps.transport.send(out.to, out.message);
    this.apply(ready);
    this.core.advance(ready);
    // Snapshots need the Ready's entries persisted (advance records that), so they come last.
    this.maybeSnapshot();
  }

  private apply(ready: Ready): void {
    if (ready.softState !== null) this.emit({ type: 'role', ...ready.softState });
    if (ready.rolledBackFromSeqno !== null) {
      this.emit({ type: 'rolledBack', fromSeqno: ready.rolledBackFromSeqno });
    }
    if (ready.snapshotToApply !== null) {
      this.outcomes.forget(ready.snapshotToApply.seqno);
      this.lastSnapshotSeqno = ready.snapshotToApply.seqno;
      this.lastCommittedSignature = ready.snapshotToApply.seqno;
      this.appliedCommitSeqno = ready.snapshotToApply.seqno;
    }
    const committed = ready.committed;
    if (committed.length > 0) this.applyCommitted(committed);
    for (const read of ready.readStates) {
      const callback = this.readWaiters.get(read.context);
      this.readWaiters.delete(read.context);
      if (read.index !== null) assert(read.index <= this.appliedCommitSeqno, 'read index applied');
      callback?.(read.index);
    }
  }

  private applyCommitted(committed: readonly LogEntry[]): void {
    const last = committed[committed.length - 1]!;
    const store = this.ledger.store;
    if (last.seqno <= store.compactedSeqno && last.seqno < store.seqno) {
      // A snapshot installed while this Ready was in flight replaced the store and tree: they are
      // already past these entries (simulator finding F3). Nothing is left to apply or compact.
      this.outcomes.committed(last.seqno, (seqno) => this.core.viewAt(seqno));
      return;
    }
    this.appliedCommitSeqno = Math.max(this.appliedCommitSeqno, last.seqno);
    if (last.kind === 'signature') this.lastCommittedSignature = last.seqno;
    this.ledger.commitSeqnoHint = last.seqno;
    this.ledger.store.compact(Math.min(last.seqno, this.ledger.store.seqno));
    this.outcomes.committed(last.seqno, (seqno) => this.core.viewAt(seqno));
    this.deps.storage.committed(last.seqno);
    this.emit({ type: 'committed', seqno: last.seqno, entries: committed });
  }

  private maybeSnapshot(): void {
    const interval = this.options.snapshotIntervalTxCount;
    const seqno = this.lastCommittedSignature;
    if (interval === 0 || seqno - this.lastSnapshotSeqno < interval) return;
    const data = encodeLedgerSnapshot(this.ledger.tree, this.ledger.store, seqno);
    const snapshot = this.core.makeSnapshot(seqno, data);
    if (snapshot === null) {
      // Configuration unknown here: no snapshot this interval; the log stays whole.
      this.lastSnapshotSeqno = seqno;
      return;
    }
    this.core.compact(snapshot);
    this.deps.storage.snapshot(snapshot);
    // Keep the tree from the previous snapshot on, so recent receipts come from memory.
    this.ledger.tree.compact(this.lastSnapshotSeqno);
    this.lastSnapshotSeqno = seqno;
    this.emit({ type: 'snapshot', seqno });
  }
}
