// Simulation: one seeded run of a whole cluster in one process. A discrete-event loop over virtual
// time (EventQueue ordered by (timeMs, insertion counter)) drives N real NodeMachines (consensus +
// KV store + ledger + signatures) through the simulated network, byte disks and clocks, injects
// faults during the safety phase, then heals everything for the liveness phase. Checkers run after
// every event; the first violation stops the run; the client history is checked for
// linearizability at the end. No real timers and no Promises: a run is a pure function of its seed.
import type { Configuration, LogEntry, NodeId, RaftMessage, Snapshot, SoftState, TxId } from '../../src/consensus/types.js';
import { sha256Hex } from '../../src/crypto/sha256.js';
import { SeededRng } from '../../src/ds/rng.js';
import { LedgerSecret } from '../../src/ledger/ledger-secret.js';
import { LedgerChecker } from './checkers/ledger.js';
import { checkLinearizable } from './checkers/linearizability.js';
import { SafetyChecker } from './checkers/safety.js';
import type { Violation, ViolationKind, ViolationSink } from './checkers/violation.js';
import { exponentialMs } from './clock.js';
import { EventQueue } from './event-queue.js';
import { EVENT_CODE, type SimEvent } from './events.js';
import { Hasher } from './hash.js';
import { Network } from './network.js';
import type { SimOptions } from './options.js';
import { Reconfigurator } from './reconfig.js';
import { identityAt, simService } from './sim-identities.js';
import { type NodeHost, SimNode } from './sim-node.js';
import { type Proposal, Workload } from './workload.js';

/** The service's ledger secret (one per process: HKDF once). */
const SECRET = new LedgerSecret(new Uint8Array(32).fill(7));
/** Search budget of the linearizability check per seed. */
const LINEARIZABILITY_STATES_MAX = 200_000;

/** SimStats are a run's counters (printed with --verbose, used to tune the sweep). */
export interface SimStats {
  events: number;
  messages: number;
  dropped: number;
  malformed: number;
  elections: number;
  commitSeqno: number;
  proposals: number;
  crashes: number;
  partitions: number;
  snapshots: number;
  reconfigSteps: number;
  virtualMs: number;
  clientOps: number;
  reads: number;
  receipts: number;
  receiptsUnavailable: number;
  kvDigests: number;
  tornCuts: number;
}

/** RunResult is the outcome of one seed. */
export interface RunResult {
  readonly seed: number;
  readonly options: SimOptions;
  readonly violation: Violation | null;
  readonly traceHash: string;
  readonly stats: SimStats;
  readonly notes: readonly string[];
}

/** Logger receives human-readable lines about elections, commits and faults. */
export type Logger = (timeMs: number, line: string) => void;

type Phase = 'safety' | 'liveness' | 'done';

/** Simulation runs one scenario; use `run()` (batch) or `runUntil()` (live mode). */
export class Simulation implements NodeHost, ViolationSink {
  nowMs = 0;
  readonly checker: SafetyChecker;
  readonly ledgerChecker: LedgerChecker;
  readonly sink: ViolationSink = this;
  readonly options: SimOptions;
  readonly nodes: SimNode[] = [];
  violation: Violation | null = null;
  phase: Phase = 'safety';
  private readonly queue = new EventQueue<SimEvent>();
  private readonly trace = new Hasher();
  private readonly network: Network;
  private readonly workload: Workload;
  private readonly reconfig: Reconfigurator | null;
  private readonly faultRng: SeededRng;
  private readonly nodeRng: SeededRng;
  private readonly logger: Logger | null;
  private readonly notes = new Set<string>();
  private readonly receiptRng: SeededRng;
  /** sha256 of a snapshot's data -> chain hash of the prefix it was taken at. */
  private readonly snapshotHashes = new Map<string, string>();
  private readonly livenessProposals: Proposal[] = [];
  private eventIndex = 0;
  private livenessStartMs = 0;
  private proposalCount = 0;
  private crashCount = 0;
  private partitionCount = 0;

  constructor(options: SimOptions, logger: Logger | null = null) {
    this.options = options;
    this.logger = logger;
    this.checker = new SafetyChecker(this);
    const root = new SeededRng(options.seed);
    root.fork(); // the options' generator (see deriveOptions)
    this.network = new Network(root.fork(), options.network);
    this.faultRng = root.fork();
    this.workload = new Workload(root.fork(), options.workload, () => this.nowMs);
    const reconfigRng = root.fork();
    this.nodeRng = root.fork();
    this.receiptRng = root.fork();
    this.ledgerChecker = new LedgerChecker(this, root.fork(), simService());
    this.reconfig = options.reconfigure ? new Reconfigurator(reconfigRng, `n${options.nodeCount}`) : null;
    const genesis: Configuration = {
      voters: Array.from({ length: options.nodeCount }, (_, i) => `n${i}`),
      learners: [],
    };
    for (const id of genesis.voters) this.addNode(id, genesis);
    this.scheduleInitial();
  }

  // --- NodeHost / ViolationSink ------------------------------------------------------------

  report(kind: ViolationKind, message: string): void {
    if (this.violation !== null) return;
    this.violation = { kind, message, atMs: this.nowMs, eventIndex: this.eventIndex };
    this.log(`VIOLATION ${kind}: ${message}`);
  }

  schedule(atMs: number, event: SimEvent): void {
    this.queue.push(atMs, event);
  }

  send(from: NodeId, to: NodeId, message: RaftMessage): void {
    for (const delivery of this.network.send(this.nowMs, from, to, message)) {
      this.queue.push(delivery.atMs, { kind: 'deliver', delivery });
    }
  }

  onSoftState(node: SimNode, soft: SoftState): void {
    if (soft.primary !== null) this.workload.hear(soft.primary);
    if (soft.role === 'primary') this.log(`${node.id} is primary of view ${soft.view}`);
  }

  onNote(text: string): void {
    this.notes.add(text);
  }

  onCommitted(node: SimNode, entries: readonly LogEntry[]): void {
    this.checker.onCommittedEntries(node.id, entries);
    for (const entry of entries) {
      const hash = node.history.hashAt(entry.seqno);
      if (hash !== undefined) this.checker.onApplied(node.id, entry.seqno, hash);
    }
    this.ledgerChecker.onCommitted(node, entries, this.nodes);
  }

  snapshotHash(snapshot: Snapshot): string | null {
    return this.snapshotHashes.get(sha256Hex(snapshot.data)) ?? null;
  }

  onSnapshotTaken(node: SimNode, snapshot: Snapshot): void {
    const hash = node.history.hashAt(snapshot.seqno);
    if (hash === undefined) this.report('host-contract', `${node.id} snapshot at ${snapshot.seqno} outside its log`);
    else this.snapshotHashes.set(sha256Hex(snapshot.data), hash);
  }

  // --- running -----------------------------------------------------------------------------

  /** run processes events until a violation, the liveness goal, or an empty queue. */
  run(): RunResult {
    while (this.violation === null && this.phase !== 'done' && this.stepOnce()) {
      // each step runs one event
    }
    if (this.violation === null) this.checkHistory();
    return this.result();
  }

  /** checkHistory runs the linearizability checker over the clients' history. */
  private checkHistory(): void {
    const verdict = checkLinearizable(this.workload.history(), { statesMax: LINEARIZABILITY_STATES_MAX });
    if (verdict.ok === false) this.report('linearizability', verdict.message);
    else if (verdict.ok === 'unknown') this.onNote(`linearizability undecided: ${verdict.reason}`);
  }

  /** runUntil processes events up to virtual time `timeMs` (live mode). */
  runUntil(timeMs: number): void {
    while (this.violation === null && this.queue.peekTimeMs() <= timeMs && this.stepOnce()) {
      // each step runs one event
    }
  }

  result(): RunResult {
    for (const node of this.nodes) this.trace.num(node.commitSeqno);
    return {
      seed: this.options.seed,
      options: this.options,
      violation: this.violation,
      traceHash: this.trace.hex(),
      stats: this.stats(),
      notes: [...this.notes],
    };
  }

  private stats(): SimStats {
    return {
      events: this.eventIndex,
      messages: this.network.sentCount,
      dropped: this.network.droppedCount,
      malformed: this.network.malformedCount,
      elections: this.checker.electionCount,
      commitSeqno: this.checker.committed.commitSeqno,
      proposals: this.workload.acceptedCount,
      crashes: this.crashCount,
      partitions: this.partitionCount,
      snapshots: this.nodes.reduce((sum, n) => sum + n.snapshotCount, 0),
      reconfigSteps: this.reconfig?.proposedCount ?? 0,
      virtualMs: Math.round(this.nowMs),
      clientOps: this.workload.opCount,
      reads: this.workload.readCount,
      receipts: this.ledgerChecker.stats.receiptsVerified,
      receiptsUnavailable: this.ledgerChecker.stats.receiptsUnavailable,
      kvDigests: this.ledgerChecker.stats.kvDigests,
      tornCuts: this.nodes.reduce((sum, n) => sum + n.storage.tornCutCount, 0),
    };
  }

  private stepOnce(): boolean {
    const next = this.queue.pop();
    if (next === undefined) return false;
    this.nowMs = next.timeMs;
    this.eventIndex++;
    this.traceEvent(next.event);
    this.dispatch(next.event);
    for (const node of this.nodes) if (node.alive) this.checker.afterEvent(node);
    this.ledgerChecker.serveReceipts(this.nodes);
    return true;
  }

  private traceEvent(event: SimEvent): void {
    this.trace.u32(EVENT_CODE[event.kind]).num(this.nowMs);
    if (event.kind === 'deliver') {
      const d = event.delivery;
      this.trace.str(d.from).str(d.to);
      const type = (d.message as { type?: unknown } | null)?.type;
      if (typeof type === 'string') this.trace.u32(type.length * 256 + type.charCodeAt(type.length - 1));
    } else if ('node' in event) {
      this.trace.str(event.node);
    }
  }

  private dispatch(event: SimEvent): void {
    switch (event.kind) {
      case 'tick':
        this.node(event.node)?.onTick(event.life);
        return;
      case 'fsync':
        this.node(event.node)?.onFsync(event.life, event.token);
        return;
      case 'deliver': {
        const d = event.delivery;
        this.node(d.to)?.onMessage(d.from, d.message, d.malformed?.label ?? null);
        return;
      }
      case 'crash':
        this.onCrash();
        return;
      case 'restart':
        this.onRestart(event.node);
        return;
      case 'partition':
        this.onPartition();
        return;
      case 'propose':
        this.onPropose();
        return;
      case 'reconfig':
        this.onReconfig();
        return;
      case 'liveness-start':
        this.onLivenessStart();
        return;
      case 'liveness-check':
        this.onLivenessCheck();
        return;
    }
  }

  private node(id: NodeId): SimNode | undefined {
    for (const n of this.nodes) if (n.id === id) return n;
    return undefined;
  }

  private addNode(id: NodeId, genesis: Configuration | null): SimNode {
    const service = simService();
    const node = new SimNode({
      id,
      genesis,
      rng: this.nodeRng.fork(),
      options: this.options,
      host: this,
      identity: identityAt(Number(id.slice(1))),
      secret: SECRET,
      certOf: (nodeId) => service.certOf(nodeId),
    });
    this.nodes.push(node);
    node.start();
    return node;
  }

  private scheduleInitial(): void {
    const o = this.options;
    const rng = this.faultRng;
    this.schedule(exponentialMs(rng, 0, o.proposalIntervalMsMean), { kind: 'propose' });
    if (Number.isFinite(o.network.partitionIntervalMsMean)) {
      this.schedule(exponentialMs(rng, 0, o.network.partitionIntervalMsMean), { kind: 'partition' });
    }
    if (Number.isFinite(o.crashIntervalMsMean)) {
      this.schedule(exponentialMs(rng, 0, o.crashIntervalMsMean), { kind: 'crash' });
    }
    if (this.reconfig !== null) this.schedule(rng.int(100, 1000), { kind: 'reconfig' });
    const safetyMs = o.safetyTicks * o.tickMsBase;
    if (Number.isFinite(safetyMs)) this.schedule(safetyMs, { kind: 'liveness-start' });
  }

  private log(line: string): void {
    this.logger?.(this.nowMs, line);
  }

  /** primary returns the live primary of the highest view, if any. */
  primary(): SimNode | null {
    let best: SimNode | null = null;
    for (const n of this.nodes) {
      if (n.alive && n.role === 'primary' && (best === null || n.view > best.view)) best = n;
    }
    return best;
  }

  // --- fault and workload events -------------------------------------------------------------

  private onCrash(): void {
    if (this.phase !== 'safety') return;
    const o = this.options;
    const alive = this.nodes.filter((n) => n.alive);
    // Half the crashes hit a node with writes in flight, when there is one (torn records).
    const writing = alive.filter((n) => n.storage.pendingCount > 0);
    const pool = writing.length > 0 && this.faultRng.chance(0.5) ? writing : alive;
    if (pool.length > 0) {
      const victim = pool[this.faultRng.int(0, pool.length - 1)]!;
      const kept = victim.crash(this.faultRng);
      this.workload.onCrash(victim.id);
      this.crashCount++;
      this.log(`crash ${victim.id} (pending writes kept by a torn write: ${kept})`);
      this.schedule(this.nowMs + this.faultRng.int(10, o.restartDelayMsMax), { kind: 'restart', node: victim.id });
    }
    this.schedule(this.nowMs + exponentialMs(this.faultRng, 1, o.crashIntervalMsMean), { kind: 'crash' });
  }

  private onRestart(id: NodeId): void {
    const node = this.node(id);
    if (node === undefined || node.alive) return;
    this.log(`restart ${id} from its durable state`);
    node.start();
  }

  private onPartition(): void {
    if (this.phase !== 'safety') return;
    const ids = this.nodes.map((n) => n.id);
    if (this.faultRng.chance(0.4)) {
      this.network.heal();
      this.log('network healed');
    } else {
      const p = this.network.partition(ids, this.primary()?.id ?? null);
      this.partitionCount++;
      this.log(`partition: ${p.kind} (${p.cutLinks} directed links cut)`);
    }
    const mean = this.options.network.partitionIntervalMsMean;
    this.schedule(this.nowMs + exponentialMs(this.faultRng, 1, mean), { kind: 'partition' });
  }

  private onPropose(): void {
    const o = this.options;
    const bounded = this.phase === 'safety' && this.proposalCount >= o.proposalCountMax;
    if (!bounded) {
      this.proposalCount++;
      const alive = this.nodes.filter((n) => n.alive);
      const proposal = this.workload.step(alive, this.nowMs, (txId) => this.onWriteCommitted(txId));
      if (proposal !== null && this.phase === 'liveness') this.livenessProposals.push(proposal);
    }
    this.schedule(this.nowMs + exponentialMs(this.faultRng, 1, o.proposalIntervalMsMean), { kind: 'propose' });
  }

  private onWriteCommitted(txId: TxId): void {
    if (this.receiptRng.chance(this.options.receiptSampleRate)) this.ledgerChecker.requestReceipt(txId);
  }

  private onReconfig(): void {
    const reconfig = this.reconfig;
    if (reconfig === null || reconfig.step === 'done') return;
    const primary = this.primary();
    if (primary !== null) {
      const note = reconfig.poke(primary, () => {
        if (this.node(reconfig.joinerId) === undefined) {
          this.addNode(reconfig.joinerId, null);
          this.log(`created joiner ${reconfig.joinerId} (genesis: null)`);
        }
      });
      if (note !== null) this.log(`reconfig at ${primary.id}: ${note}`);
    }
    this.schedule(this.nowMs + 50, { kind: 'reconfig' });
  }

  // --- liveness ------------------------------------------------------------------------------

  private onLivenessStart(): void {
    this.phase = 'liveness';
    this.livenessStartMs = this.nowMs;
    this.network.stopFaults();
    for (const node of this.nodes) if (!node.alive) node.start();
    this.log('liveness phase: partitions healed, crashed nodes restarted, faults stopped');
    this.schedule(this.nowMs + this.options.tickMsBase, { kind: 'liveness-check' });
  }

  private onLivenessCheck(): void {
    if (this.livenessReached()) {
      this.phase = 'done';
      this.log('liveness reached: a new proposal committed on every live voter');
      return;
    }
    const o = this.options;
    if (this.nowMs - this.livenessStartMs > o.livenessTicksMax * o.tickMsBase) {
      this.report('liveness', `no new proposal committed on all voters within ${o.livenessTicksMax} ticks: ${this.describe()}`);
      return;
    }
    this.schedule(this.nowMs + o.tickMsBase, { kind: 'liveness-check' });
  }

  private livenessReached(): boolean {
    let reference: SimNode | null = null;
    for (const n of this.nodes) {
      if (n.alive && (reference === null || n.commitSeqno > reference.commitSeqno)) reference = n;
    }
    const configs = reference?.core?.configs() ?? [];
    const voters = new Set(configs.flatMap((c) => c.config.voters));
    if (voters.size === 0) return false;
    // The oldest liveness proposal that committed (with its own view) must be committed everywhere.
    const committed = this.checker.committed;
    const proposal = this.livenessProposals.find((p) => committed.viewAt(p.txId.seqno) === p.txId.view);
    if (proposal === undefined) return false;
    for (const id of voters) {
      const node = this.node(id);
      if (node === undefined || !node.alive || node.commitSeqno < proposal.txId.seqno) return false;
    }
    return true;
  }

  /** describe summarises every node (for liveness failures). */
  describe(): string {
    return this.nodes
      .map((n) => `${n.id}:${n.alive ? `${n.role}/v${n.view}/c${n.commitSeqno}/l${n.lastSeqno}` : 'down'}`)
      .join(' ');
  }
}
