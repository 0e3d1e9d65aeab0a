// Simulated network: per-message delay (min + exponential, so messages reorder), drop, duplication,
// malformed-message injection, and partitions (symmetric split, asymmetric cuts, one node isolated,
// the primary cut off) that come and go. Messages are structured-cloned at send time, so neither
// side can see the other's later mutations and duplicates are independent objects.
import type { NodeId, RaftMessage } from '../../src/consensus/types.js';
import type { SeededRng } from '../../src/ds/rng.js';
import { exponentialMs } from './clock.js';
import { type MalformedMessage, makeMalformed } from './malformed.js';
import type { NetworkOptions } from './options.js';

/** Delivery is one message arriving at `to` at `atMs`. */
export interface Delivery {
  readonly atMs: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly message: unknown;
  /** Set for injected garbage: the core must answer {ok:false}. */
  readonly malformed: MalformedMessage | null;
}

/** PartitionKind names the shapes of partitions the network creates. */
export type PartitionKind = 'split' | 'asymmetric' | 'isolate' | 'cut-primary';

/** Network decides the fate of each message; the simulator schedules the deliveries it returns. */
export class Network {
  private readonly rng: SeededRng;
  private readonly options: NetworkOptions;
  /** Directed links that are cut, as "from>to". */
  private readonly cut = new Set<string>();
  private faultsOn = true;
  sentCount = 0;
  droppedCount = 0;
  malformedCount = 0;

  constructor(rng: SeededRng, options: NetworkOptions) {
    this.rng = rng;
    this.options = options;
  }

  /** send returns the deliveries of one message (none if dropped or cut, two if duplicated). */
  send(nowMs: number, from: NodeId, to: NodeId, message: RaftMessage): Delivery[] {
    this.sentCount++;
    if (this.cut.has(`${from}>${to}`) || (this.faultsOn && this.rng.chance(this.options.dropProbability))) {
      this.droppedCount++;
      return [];
    }
    const out: Delivery[] = [this.delivery(nowMs, from, to, message)];
    if (this.faultsOn && this.rng.chance(this.options.duplicateProbability)) {
      out.push(this.delivery(nowMs, from, to, message));
    }
    if (this.faultsOn && this.rng.chance(this.options.malformedProbability)) {
      const garbage = makeMalformed(this.rng, from);
      this.malformedCount++;
      out.push({ ...this.delivery(nowMs, garbage.from, to, garbage.message), malformed: garbage });
    }
    return out;
  }

  private delivery(nowMs: number, from: NodeId, to: NodeId, message: unknown): Delivery {
    const delayMs = exponentialMs(this.rng, this.options.delayMsMin, this.options.delayMsMean);
    return { atMs: nowMs + delayMs, from, to, message: structuredClone(message), malformed: null };
  }

  /** isCut tells whether the directed link from -> to is currently cut. */
  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.has(`${from}>${to}`);
  }

  /** partition replaces the current partition with a new random one of a random kind. */
  partition(nodes: readonly NodeId[], primary: NodeId | null): { kind: PartitionKind; cutLinks: number } {
    this.cut.clear();
    const kinds: PartitionKind[] = ['split', 'asymmetric', 'isolate', 'cut-primary'];
    const kind = kinds[this.rng.int(0, kinds.length - 1)]!;
    if (kind === 'split') {
      const side = new Set(nodes.filter(() => this.rng.chance(0.5)));
      for (const a of nodes) for (const b of nodes) if (side.has(a) !== side.has(b)) this.cutLink(a, b);
    } else if (kind === 'asymmetric') {
      for (const a of nodes) for (const b of nodes) if (a !== b && this.rng.chance(0.25)) this.cutLink(a, b);
    } else {
      const victim = kind === 'cut-primary' && primary !== null ? primary : nodes[this.rng.int(0, nodes.length - 1)]!;
      const inbound = this.rng.chance(0.7);
      const outbound = !inbound || this.rng.chance(0.7);
      for (const other of nodes) {
        if (other === victim) continue;
        if (inbound) this.cutLink(other, victim);
        if (outbound) this.cutLink(victim, other);
      }
    }
    return { kind, cutLinks: this.cut.size };
  }

  private cutLink(from: NodeId, to: NodeId): void {
    if (from !== to) this.cut.add(`${from}>${to}`);
  }

  /** heal removes every partition. */
  heal(): void {
    this.cut.clear();
  }

  /** stopFaults heals and turns drop, duplication and garbage off (the liveness phase). */
  stopFaults(): void {
    this.heal();
    this.faultsOn = false;
  }
}
