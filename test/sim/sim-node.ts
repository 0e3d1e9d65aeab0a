// SimNode: the host of one simulated node. It runs the REAL NodeMachine (RaftCore + LedgerState:
// Merkle tree, KV store, AES-GCM private domains, ECDSA signatures with a test node identity)
// through its ports: LedgerStorage is the node's simulated byte disk (storage.ts), whose fsync
// completes after a simulated delay; RaftTransport is the simulated network. The disk survives
// crashes; a restart rebuilds the machine from what recovery reads back. A ChainHistory shadow
// mirrors every append / truncate / reset the core makes on the machine's History, for the checkers.
import type { Configuration, LogEntry, NodeId, RaftMessage, Role, Snapshot, SoftState } from '../../src/consensus/types.js';
import type { SeededRng } from '../../src/ds/rng.js';
import type { LedgerSecret } from '../../src/ledger/ledger-secret.js';
import {
  BusyError,
  type ExecuteResult,
  NodeMachine,
  NotPrimaryError,
  type PersistWork,
} from '../../src/node/node-machine.js';
import type { ProposeResult } from '../../src/consensus/raft-core.js';
import type { Tx } from '../../src/kv/tx.js';
import { ChainHistory } from './chain-history.js';
import type { SafetyChecker } from './checkers/safety.js';
import type { ViolationSink } from './checkers/violation.js';
import { NodeClock, exponentialMs } from './clock.js';
import type { SimEvent } from './events.js';
import { type SimOptions, coreBugs } from './options.js';
import { fixedLengthSigner } from './sim-identities.js';
import type { TestNodeIdentity } from '../support/identities.js';
import { SimStorage } from './storage.js';

/** NodeHost is what a node needs from the simulator. */
export interface NodeHost {
  readonly nowMs: number;
  readonly checker: SafetyChecker;
  readonly sink: ViolationSink;
  schedule(atMs: number, event: SimEvent): void;
  send(from: NodeId, to: NodeId, message: RaftMessage): void;
  onSoftState(node: SimNode, soft: SoftState): void;
  onCommitted(node: SimNode, entries: readonly LogEntry[]): void;
  /** snapshotHash returns the chain hash of the prefix a snapshot was taken at (null: unknown). */
  snapshotHash(snapshot: Snapshot): string | null;
  onSnapshotTaken(node: SimNode, snapshot: Snapshot): void;
  onNote(text: string): void;
}

/** CUT_NOTE marks a run where recovery cut valid (possibly acknowledged) records back to the last signature. */
export const CUT_NOTE = 'recovery cut valid records back to the last signature';

/** An fsync takes at most this many times the mean (a slow disk, not a hung one). */
export const FSYNC_CAP_FACTOR = 4;

/** WriteOutcome: the write's tx id, a read-only answer, or why it was not executed. */
export type WriteOutcome<T> =
  | { readonly kind: 'proposed'; readonly result: ExecuteResult<T> }
  | { readonly kind: 'read-only'; readonly result: T }
  | { readonly kind: 'not-primary'; readonly hint: NodeId | null }
  | { readonly kind: 'busy' }
  | { readonly kind: 'down' };

/** SimNode is one simulated machine; `machine` is null while it is crashed. */
export class SimNode {
  readonly id: NodeId;
  readonly genesis: Configuration | null;
  readonly storage = new SimStorage();
  readonly clock: NodeClock;
  readonly identity: TestNodeIdentity;
  machine: NodeMachine | null = null;
  history: ChainHistory;
  life = 0;
  snapshotCount = 0;
  private readonly rng: SeededRng;
  private readonly options: SimOptions;
  private readonly host: NodeHost;
  private readonly secret: LedgerSecret;
  private readonly certOf: (nodeId: string) => string | null;
  private pendingDone: ((error: Error | null) => void) | null = null;

  constructor(fields: {
    id: NodeId;
    genesis: Configuration | null;
    rng: SeededRng;
    options: SimOptions;
    host: NodeHost;
    identity: TestNodeIdentity;
    secret: LedgerSecret;
    certOf: (nodeId: string) => string | null;
  }) {
    this.id = fields.id;
    this.genesis = fields.genesis;
    this.rng = fields.rng;
    this.options = fields.options;
    this.host = fields.host;
    this.identity = fields.identity;
    this.secret = fields.secret;
    this.certOf = fields.certOf;
    const o = fields.options;
    this.clock = new NodeClock(this.rng.fork(), {
      tickMsBase: o.tickMsBase,
      driftMax: o.clockDriftMax,
      jitterMax: o.clockJitterMax,
    });
    this.history = new ChainHistory(this.id, this.host.checker);
  }

  get alive(): boolean {
    return this.machine !== null;
  }

  get core(): NodeMachine['core'] | null {
    return this.machine?.core ?? null;
  }

  get role(): Role {
    return this.machine?.core.role ?? 'retired';
  }

  get view(): number {
    return this.machine?.core.view ?? 0;
  }

  get commitSeqno(): number {
    return this.machine?.core.commitSeqno ?? 0;
  }

  get lastSeqno(): number {
    return this.machine?.core.lastSeqno ?? 0;
  }

  /** start builds a fresh NodeMachine from what recovery reads back (first boot or restart). */
  start(): void {
    this.life++;
    this.pendingDone = null;
    this.host.checker.onRestart(this.id);
    this.history = new ChainHistory(this.id, this.host.checker);
    const { persisted, note } = this.storage.recover();
    this.reportStorageErrors();
    if (note.problem !== null) {
      this.host.onNote(`recovery cut a torn tail (${note.problem})`);
    }
    if (note.cutEntries > 0) this.host.onNote(CUT_NOTE);
    // The core replays the persisted state into the History in its constructor: mirror that.
    if (persisted.snapshot !== null) this.history.reset(persisted.snapshot, this.host.snapshotHash(persisted.snapshot));
    for (const entry of persisted.entries) this.history.append(entry);
    const life = this.life;
    const machine = this.guard('construct', () =>
      new NodeMachine(
        {
          rng: this.rng.fork(),
          storage: {
            persist: (work, done) => this.persist(life, work, done),
            committed: () => {},
            snapshot: (snapshot) => this.snapshotTaken(life, snapshot),
          },
          transport: { send: (to, message) => this.host.send(this.id, to, message) },
          signer: fixedLengthSigner(this.identity.signer),
          secret: this.secret,
          nodeCertPem: this.certOf,
          event: (event) => {
            if (life !== this.life) return;
            if (event.type === 'role') this.host.onSoftState(this, event);
            else if (event.type === 'committed') this.host.onCommitted(this, event.entries);
          },
        },
        {
          raft: { ...this.options.raft, id: this.id, bugs: coreBugs(this.options.bugs) },
          snapshotIntervalTxCount: Number.isFinite(this.options.snapshotIntervalEntries) ? this.options.snapshotIntervalEntries : 0,
        },
        { persisted, genesis: this.genesis },
      ),
    );
    if (machine === undefined) return;
    this.mirrorHistory(machine);
    this.machine = machine;
    this.scheduleTick();
  }

  /** crash destroys the node: volatile state is gone, the disk keeps only what was fsynced. */
  crash(rng: SeededRng): number {
    this.machine?.stop();
    this.machine = null;
    this.pendingDone = null;
    return this.storage.crash(rng, this.options.disk.tornProbability);
  }

  onTick(life: number): void {
    const machine = this.machine;
    if (life !== this.life || machine === null) return;
    this.guard('tick', () => machine.tick());
    if (this.machine !== null) this.scheduleTick();
  }

  onMessage(from: NodeId, message: unknown, malformedLabel: string | null): void {
    const machine = this.machine;
    if (machine === null) return;
    const result = this.guard('receive', () => machine.receive(from, message));
    if (result !== undefined && malformedLabel !== null && result.ok) {
      this.host.sink.report('malformed-accepted', `${this.id} accepted a malformed message (${malformedLabel}) from ${from}`);
    }
  }

  /** execute runs `handler` as a write at this node (the NodeMachine API); never throws. */
  execute<T>(handler: (tx: Tx) => T): WriteOutcome<T> {
    const machine = this.machine;
    if (machine === null) return { kind: 'down' };
    try {
      const r = machine.execute(handler);
      return 'txId' in r ? { kind: 'proposed', result: r } : { kind: 'read-only', result: r.result };
    } catch (error) {
      if (error instanceof NotPrimaryError) return { kind: 'not-primary', hint: machine.core.primary };
      if (error instanceof BusyError) return { kind: 'busy' };
      this.reportThrow('execute', error);
      return { kind: 'down' };
    }
  }

  /** readIndex starts a linearizable read; false when this node cannot serve it (not primary). */
  readIndex(callback: (index: number | null) => void): boolean {
    const machine = this.machine;
    if (machine === null) return false;
    try {
      machine.readIndex(callback);
      return true;
    } catch (error) {
      if (!(error instanceof NotPrimaryError)) this.reportThrow('readIndex', error);
      return false;
    }
  }

  proposeConfig(config: Configuration): ProposeResult | undefined {
    const machine = this.machine;
    if (machine === null) return undefined;
    return this.guard('proposeConfig', () => machine.proposeConfig(config));
  }

  /** onFsync: the persisted writes are durable; complete the machine's persist. */
  onFsync(life: number, token: number): void {
    const done = this.pendingDone;
    if (life !== this.life || this.machine === null || done === null) return;
    this.storage.fsyncEnd(token);
    this.reportStorageErrors();
    this.pendingDone = null;
    this.guard('persist done', () => done(null));
  }

  private persist(life: number, work: PersistWork, done: (error: Error | null) => void): void {
    if (life !== this.life) return;
    this.storage.writePersist(work);
    const token = this.storage.fsyncBegin();
    const disk = this.options.disk;
    const delayMs =
      this.storage.pendingCount === 0 ? 0 : exponentialMs(this.rng, disk.fsyncMsMin, disk.fsyncMsMean, FSYNC_CAP_FACTOR);
    this.pendingDone = done;
    this.host.schedule(this.host.nowMs + delayMs, { kind: 'fsync', node: this.id, life: this.life, token });
  }

  private snapshotTaken(life: number, snapshot: Snapshot): void {
    if (life !== this.life) return;
    this.host.onSnapshotTaken(this, snapshot);
    this.storage.writeSnapshot(snapshot);
    this.snapshotCount++;
  }

  /** mirrorHistory forwards the core's History calls on the machine's LedgerState to the shadow. */
  private mirrorHistory(machine: NodeMachine): void {
    const ledger = machine.ledger;
    const append = ledger.append.bind(ledger);
    const truncate = ledger.truncate.bind(ledger);
    const reset = ledger.reset.bind(ledger);
    const life = this.life;
    ledger.append = (entry) => {
      append(entry);
      if (life === this.life) this.history.append(entry);
    };
    ledger.truncate = (fromSeqno) => {
      if (life === this.life) this.history.truncate(fromSeqno);
      truncate(fromSeqno);
    };
    ledger.reset = (snapshot) => {
      reset(snapshot);
      if (life === this.life) this.history.reset(snapshot, this.host.snapshotHash(snapshot));
    };
  }

  private reportStorageErrors(): void {
    for (const error of this.storage.errors.splice(0)) this.host.sink.report('host-contract', `${this.id}: ${error}`);
  }

  private scheduleTick(): void {
    this.host.schedule(this.host.nowMs + this.clock.nextTickDelayMs(), { kind: 'tick', node: this.id, life: this.life });
  }

  /** guard runs a machine call; a throw is a violation (the node must never throw on any input). */
  private guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.reportThrow(what, error);
      return undefined;
    }
  }

  private reportThrow(what: string, error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (process.env.SIM_STACK) console.log(error instanceof Error ? error.stack : error);
    this.host.sink.report('core-threw', `${this.id} ${what}: ${text}`);
  }
}
