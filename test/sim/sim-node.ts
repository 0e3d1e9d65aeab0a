// SimNode: the host of one simulated node. It owns a real RaftCore, the node's disk (which
// survives crashes), its chain-hash History and its tiny state machine, and drives the Ready
// protocol exactly as a real host must: persist, fsync, THEN send, THEN apply, THEN advance();
// one Ready in flight at a time while step/tick/propose go on.
import { RaftCore } from '../../src/consensus/raft-core.js';
import type {
  Configuration,
  NodeId,
  RaftMessage,
  RaftOptions,
  Ready,
  Role,
  Snapshot,
  SoftState,
} from '../../src/consensus/types.js';
import type { SeededRng } from '../../src/ds/rng.js';
import { AppliedState } from './applied-state.js';
import { ChainHistory } from './chain-history.js';
import type { SafetyChecker } from './checkers/safety.js';
import type { ViolationSink } from './checkers/violation.js';
import { NodeClock, exponentialMs } from './clock.js';
import type { SimEvent } from './events.js';
import { hexToBytes } from './hash.js';
import type { SimOptions } from './options.js';
import { SimDisk } from './storage.js';

/** NodeHost is what a node needs from the simulator. */
export interface NodeHost {
  readonly nowMs: number;
  readonly checker: SafetyChecker;
  readonly sink: ViolationSink;
  schedule(atMs: number, event: SimEvent): void;
  send(from: NodeId, to: NodeId, message: RaftMessage): void;
  onSoftState(node: SimNode, soft: SoftState): void;
  onNote(text: string): void;
}

/** An fsync takes at most this many times the mean (a slow disk, not a hung one). */
export const FSYNC_CAP_FACTOR = 4;

type ProposeResult = ReturnType<RaftCore['propose']>;

/** SimNode is one simulated machine; `core` is null while it is crashed. */
export class SimNode {
  readonly id: NodeId;
  readonly genesis: Configuration | null;
  readonly disk = new SimDisk();
  readonly clock: NodeClock;
  core: RaftCore | null = null;
  history: ChainHistory;
  state: AppliedState;
  life = 0;
  snapshotCount = 0;
  private readonly rng: SeededRng;
  private readonly options: SimOptions;
  private readonly host: NodeHost;
  private inFlight: Ready | null = null;
  private appliedSinceSnapshot = 0;

  constructor(fields: { id: NodeId; genesis: Configuration | null; rng: SeededRng; options: SimOptions; host: NodeHost }) {
    this.id = fields.id;
    this.genesis = fields.genesis;
    this.rng = fields.rng;
    this.options = fields.options;
    this.host = fields.host;
    const o = fields.options;
    this.clock = new NodeClock(this.rng.fork(), {
      tickMsBase: o.tickMsBase,
      driftMax: o.clockDriftMax,
      jitterMax: o.clockJitterMax,
    });
    this.history = new ChainHistory(this.id, this.host.checker);
    this.state = new AppliedState(this.genesis);
  }

  get alive(): boolean {
    return this.core !== null;
  }

  get role(): Role {
    return this.core?.role ?? 'retired';
  }

  get view(): number {
    return this.core?.view ?? 0;
  }

  get commitSeqno(): number {
    return this.core?.commitSeqno ?? 0;
  }

  get lastSeqno(): number {
    return this.core?.lastSeqno ?? 0;
  }

  /** start builds a fresh core from what is durable on disk (first boot or restart). */
  start(): void {
    this.life++;
    this.inFlight = null;
    this.appliedSinceSnapshot = 0;
    this.host.checker.onRestart(this.id);
    this.history = new ChainHistory(this.id, this.host.checker);
    this.state = new AppliedState(this.genesis);
    const persisted = this.disk.persisted();
    if (persisted.snapshot !== null) {
      this.history.reset(persisted.snapshot);
      this.state.applySnapshot(persisted.snapshot);
    }
    const options: RaftOptions = { ...this.options.raft, id: this.id, bugs: this.options.bugs };
    this.core = this.guard('construct', () => new RaftCore({ rng: this.rng.fork(), history: this.history }, options, {
      persisted,
      genesis: this.genesis,
    })) ?? null;
    this.scheduleTick();
    this.pump();
  }

  /** crash destroys the node: volatile state is gone, the disk keeps only what was fsynced. */
  crash(rng: SeededRng): number {
    this.core = null;
    this.inFlight = null;
    return this.disk.crash(rng, this.options.disk.tornProbability);
  }

  onTick(life: number): void {
    if (life !== this.life || this.core === null) return;
    const core = this.core;
    this.guard('tick', () => core.tick());
    this.scheduleTick();
    this.pump();
  }

  /** onMessage hands a delivery to the core; garbage must be refused with {ok:false}. */
  onMessage(from: NodeId, message: unknown, malformedLabel: string | null): void {
    const core = this.core;
    if (core === null) return;
    const result = this.guard(`step(${malformedLabel ?? 'message'})`, () => core.step(from, message));
    if (result !== undefined && malformedLabel !== null && result.ok) {
      this.host.sink.report('malformed-accepted', `${this.id} accepted a malformed message (${malformedLabel}) from ${from}`);
    }
    this.pump();
  }

  propose(data: Uint8Array): ProposeResult | undefined {
    const core = this.core;
    if (core === null) return undefined;
    const result = this.guard('propose', () => core.propose(data));
    this.pump();
    return result;
  }

  proposeConfig(config: Configuration): ProposeResult | undefined {
    const core = this.core;
    if (core === null) return undefined;
    const result = this.guard('proposeConfig', () => core.proposeConfig(config));
    this.pump();
    return result;
  }

  /** pump takes the next Ready (if none is in flight) and writes it; its fsync completes later. */
  private pump(): void {
    const core = this.core;
    if (core === null || this.inFlight !== null) return;
    if (this.guard('hasReady', () => core.hasReady()) !== true) return;
    const ready = this.guard('takeReady', () => core.takeReady());
    if (ready === undefined) return;
    this.inFlight = ready;
    if (ready.softState !== null) this.host.onSoftState(this, ready.softState);
    this.disk.writeReady(ready);
    const token = this.disk.fsyncBegin();
    const disk = this.options.disk;
    const delayMs = this.disk.pendingCount === 0 ? 0 : exponentialMs(this.rng, disk.fsyncMsMin, disk.fsyncMsMean, FSYNC_CAP_FACTOR);
    this.host.schedule(this.host.nowMs + delayMs, { kind: 'fsync', node: this.id, life: this.life, token });
  }

  /** onFsync: the Ready is durable; send, apply, advance, then maybe snapshot and pump again. */
  onFsync(life: number, token: number): void {
    const core = this.core;
    const ready = this.inFlight;
    if (life !== this.life || core === null || ready === null) return;
    this.disk.fsyncEnd(token);
    for (const error of this.disk.errors.splice(0)) this.host.sink.report('host-contract', `${this.id}: ${error}`);
    for (const out of ready.messages) this.host.send(this.id, out.to, out.message);
    this.apply(ready);
    this.inFlight = null;
    this.guard('advance', () => core.advance(ready));
    this.maybeSnapshot(core);
    this.pump();
  }

  private apply(ready: Ready): void {
    const checker = this.host.checker;
    if (ready.snapshotToApply !== null) {
      this.state.applySnapshot(ready.snapshotToApply);
      checker.onApplied(this.id, this.state.appliedSeqno, this.state.digest);
      this.appliedSinceSnapshot = 0;
    }
    for (const entry of ready.committed) {
      if (entry.seqno <= this.state.appliedSeqno) continue;
      const error = this.state.apply(entry);
      if (error !== null) {
        this.host.sink.report('host-contract', `${this.id}: ${error}`);
        return;
      }
      checker.onApplied(this.id, entry.seqno, this.state.digest);
      this.appliedSinceSnapshot++;
    }
    checker.onReadyCommitted(this.id, ready);
  }

  /** maybeSnapshot compacts at the last applied signature once enough entries were applied. */
  private maybeSnapshot(core: RaftCore): void {
    const sig = this.state.lastSignature;
    if (this.appliedSinceSnapshot < this.options.snapshotIntervalEntries || sig === null) return;
    if (sig.seqno <= this.history.offsetSeqno || sig.seqno > core.commitSeqno) return;
    const configAt = this.state.configAt(sig.seqno);
    const fromCore = core.configs().filter((c) => c.seqno <= sig.seqno);
    const configs = configAt !== undefined ? [configAt] : fromCore;
    if (configs.length === 0) return;
    const last = fromCore[fromCore.length - 1];
    if (configAt !== undefined && last !== undefined && last.seqno !== configAt.seqno) {
      this.host.onNote(`snapshot configs: core.configs() filtered ends at ${last.seqno}, applied config at ${configAt.seqno}`);
    }
    const snapshot: Snapshot = { seqno: sig.seqno, view: sig.view, configs, data: hexToBytes(sig.digest) };
    this.guard('compact', () => core.compact(snapshot));
    this.disk.writeSnapshot(snapshot);
    this.appliedSinceSnapshot = 0;
    this.snapshotCount++;
  }

  private scheduleTick(): void {
    this.host.schedule(this.host.nowMs + this.clock.nextTickDelayMs(), { kind: 'tick', node: this.id, life: this.life });
  }

  /** guard runs a core call; a throw is a violation (the core must never throw on any input). */
  private guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.host.sink.report('core-threw', `${this.id} ${what}: ${text}`);
      return undefined;
    }
  }
}
