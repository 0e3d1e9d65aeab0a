// NodeService: the asynchronous face of a NodeMachine for the HTTP layer — writes that may wait for
// commit, linearizable and local reads, tx status and receipts, node information and metrics.
// Promises live here, outside the deterministic machine the simulator drives.
import type { NodeId, TxId } from '../consensus/types.js';
import { ConsortError } from '../ds/errors.js';
import type { Tx } from '../kv/tx.js';
import { NodeMetrics } from './node-metrics.js';
import { type ExecuteResult, type NodeMachine, NotPrimaryError } from './node-machine.js';
import type { TxStatus } from './tx-outcomes.js';

/** TransactionInvalidError: the write was not committed (another entry took its seqno). */
export class TransactionInvalidError extends ConsortError {
  override readonly name = 'TransactionInvalidError';
  constructor(txId: TxId) {
    super('TransactionInvalid', `transaction ${txId.view}.${txId.seqno} was rolled back`, {
      httpStatus: 500,
    });
  }
}

/** FateUnknownError: no outcome within the wait; the write may or may not commit (see /node/tx). */
export class FateUnknownError extends ConsortError {
  override readonly name = 'FateUnknownError';
  readonly txId: TxId | null;
  constructor(txId: TxId | null, why: string) {
    const id = txId === null ? '' : ` ${txId.view}.${txId.seqno}`;
    super('TransactionFateUnknown', `the outcome of transaction${id} is unknown: ${why}`, {
      httpStatus: 504,
    });
    this.txId = txId;
  }
}

/** WriteOutcome: the tx id (Pending, or Committed when waited for) and the handler's result. */
export interface WriteOutcome<T> {
  readonly txId: TxId | null;
  readonly committed: boolean;
  readonly result: T;
}

export interface NodeServiceDeps {
  /** nowMs reads the clock for latency metrics only (never for consensus decisions). */
  readonly nowMs: () => number;
  /** setTimer arms a one-shot timer (from src/io); returns a cancel function. */
  readonly setTimer: (delayMs: number, callback: () => void) => () => void;
}

/** NodeInfo answers /node/state and friends. */
export interface NodeInfo {
  readonly nodeId: NodeId;
  readonly role: string;
  readonly view: number;
  readonly primaryId: NodeId | null;
  readonly commitSeqno: number;
  readonly lastSeqno: number;
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** PendingRead is a linearizable read waiting for its ReadIndex (or its deadline). */
interface PendingRead {
  deadlineMs: number;
  settled: boolean;
  readonly expire: () => void;
}

/** NodeService wraps one NodeMachine for request handling. */
export class NodeService {
  readonly machine: NodeMachine;
  readonly metrics: NodeMetrics;
  private readonly deps: NodeServiceDeps;
  /** commitWaitMs bounds how long a write waits for its commit before FateUnknown. */
  readonly commitWaitMs: number;

  constructor(machine: NodeMachine, deps: NodeServiceDeps, commitWaitMs = 10_000) {
    this.machine = machine;
    this.deps = deps;
    this.metrics = new NodeMetrics();
    this.commitWaitMs = commitWaitMs;
  }

  info(): NodeInfo {
    const core = this.machine.core;
    const configs = core.configs();
    const latest = configs[configs.length - 1]?.config;
    return {
      nodeId: core.id,
      role: core.role,
      view: core.view,
      primaryId: core.primary,
      commitSeqno: core.commitSeqno,
      lastSeqno: core.lastSeqno,
      voters: latest?.voters ?? [],
      learners: latest?.learners ?? [],
    };
  }

  isPrimary(): boolean {
    return this.machine.core.role === 'primary';
  }

  /**
   * write executes `handler` at this node, which must be the primary (NotPrimaryError otherwise —
   * the HTTP layer forwards). Resolves once proposed, or once committed when `waitForCommit`.
   */
  async write<T>(
    handler: (tx: Tx) => T,
    options: { readonly waitForCommit: boolean; readonly claimsDigest?: Uint8Array | null },
  ): Promise<WriteOutcome<T>> {
    const startedMs = this.deps.nowMs();
    const executed = this.machine.execute(handler, options.claimsDigest ?? null);
    if (!('txId' in executed)) return { txId: null, committed: false, result: executed.result };
    const { txId, result } = executed as ExecuteResult<T>;
    this.metrics.writes++;
    const committed = this.waitForOutcome(txId).then(() => {
      this.metrics.commitLatencyMs.observe(this.deps.nowMs() - startedMs);
    });
    if (!options.waitForCommit) {
      committed.catch(() => {});
      return { txId, committed: false, result };
    }
    await committed;
    return { txId, committed: true, result };
  }

  /** waitForOutcome resolves when `txId` commits; rejects if Invalid or after commitWaitMs. */
  waitForOutcome(txId: TxId): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const cancel = this.deps.setTimer(this.commitWaitMs, () => {
        if (settled) return;
        settled = true;
        reject(new FateUnknownError(txId, `not committed within ${this.commitWaitMs} ms`));
      });
      this.machine.onOutcome(txId, (status) => {
        if (settled) return;
        settled = true;
        cancel();
        if (status === 'Committed') resolve();
        else if (status === 'Invalid') reject(new TransactionInvalidError(txId));
        else reject(new FateUnknownError(txId, 'this node replaced its log with a snapshot; see /node/tx'));
      });
    });
  }

  /**
   * readLinearizable runs `handler` on committed state confirmed by a quorum (ReadIndex). Rejects
   * with NotPrimaryError when leadership is lost or not confirmed within commitWaitMs. The reads
   * in flight share one timer (see expireReads), not one each.
   */
  readLinearizable<T>(handler: (tx: Tx) => T): Promise<{ readonly result: T; readonly seqno: number }> {
    return new Promise((resolve, reject) => {
      const pending: PendingRead = {
        deadlineMs: 0,
        settled: false,
        expire: () => reject(new NotPrimaryError(null)),
      };
      const onIndex = (index: number | null): void => {
        if (pending.settled) return;
        pending.settled = true;
        this.pendingReads.delete(pending);
        // No read left: drop the timer (it must not hold the event loop open).
        if (this.pendingReads.size === 0 && this.cancelReadTimer !== null) {
          this.cancelReadTimer();
          this.cancelReadTimer = null;
        }
        if (index === null) {
          reject(new NotPrimaryError(null));
          return;
        }
        try {
          const seqno = this.machine.committedSeqno;
          resolve({ result: handler(this.machine.ledger.store.beginAt(seqno)), seqno });
        } catch (error) {
          reject(error);
        }
      };
      try {
        this.machine.readIndex(onIndex);
      } catch (error) {
        pending.settled = true;
        reject(error);
        return;
      }
      // Tracked only once the request is in: a refused request holds no timer.
      if (pending.settled) return;
      pending.deadlineMs = this.deps.nowMs() + this.commitWaitMs;
      this.pendingReads.add(pending);
      if (this.cancelReadTimer === null) this.armReadTimer(this.commitWaitMs);
    });
  }

  /** pendingReads: linearizable reads waiting for their ReadIndex, oldest (earliest deadline) first. */
  private readonly pendingReads = new Set<PendingRead>();
  /** cancelReadTimer cancels the one timer of pendingReads; null when none is armed. */
  private cancelReadTimer: (() => void) | null = null;

  private armReadTimer(delayMs: number): void {
    this.cancelReadTimer = this.deps.setTimer(delayMs, () => this.expireReads());
  }

  /**
   * expireReads fails the reads whose deadline passed and re-arms the timer for the oldest
   * remaining one. Every read waits commitWaitMs, so insertion order is deadline order.
   */
  private expireReads(): void {
    this.cancelReadTimer = null;
    const nowMs = this.deps.nowMs();
    for (const pending of this.pendingReads) {
      if (pending.deadlineMs > nowMs) {
        this.armReadTimer(pending.deadlineMs - nowMs);
        return;
      }
      this.pendingReads.delete(pending);
      pending.settled = true;
      pending.expire();
    }
  }

  /** readLocal runs `handler` on this node's latest state (may be stale or uncommitted). */
  readLocal<T>(handler: (tx: Tx) => T): T {
    return handler(this.machine.ledger.store.begin());
  }

  status(txId: TxId): TxStatus {
    return this.machine.status(txId);
  }

  receipt(txId: TxId): ReturnType<NodeMachine['receipt']> {
    return this.machine.receipt(txId);
  }
}
