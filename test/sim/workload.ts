// Workload: a client that proposes random payloads to whichever node it believes is primary.
// Beliefs go stale (they change only when the client hears of a new primary or is refused);
// NotPrimary makes it retry at another node. The count of proposals is bounded per phase.
import type { NodeId, TxId } from '../../src/consensus/types.js';
import type { SeededRng } from '../../src/ds/rng.js';
import type { SimNode } from './sim-node.js';

/** Proposal is one accepted proposal and when it was made. */
export interface Proposal {
  readonly txId: TxId;
  readonly atMs: number;
}

/** Workload makes proposals; the simulator calls `proposeOnce` on each 'propose' event. */
export class Workload {
  private readonly rng: SeededRng;
  private belief: NodeId | null = null;
  acceptedCount = 0;
  refusedCount = 0;
  attemptCount = 0;

  constructor(rng: SeededRng) {
    this.rng = rng;
  }

  /** hear updates the client's belief (called when some node announces a primary). */
  hear(primary: NodeId): void {
    this.belief = primary;
  }

  /** proposeOnce tries the believed primary, then at most two other nodes. */
  proposeOnce(nodes: readonly SimNode[], nowMs: number): Proposal | null {
    const data = new Uint8Array(this.rng.int(1, 48));
    for (let i = 0; i < data.length; i++) data[i] = this.rng.int(0, 255);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (nodes.length === 0) return null;
      const target = this.pickTarget(nodes);
      if (target === undefined) return null;
      this.attemptCount++;
      const result = target.propose(data);
      if (result?.ok === true) {
        this.acceptedCount++;
        return { txId: result.txId, atMs: nowMs };
      }
      this.refusedCount++;
      const hint = target.core?.primary ?? null;
      this.belief = hint !== null && hint !== target.id ? hint : null;
    }
    return null;
  }

  private pickTarget(nodes: readonly SimNode[]): SimNode | undefined {
    if (this.belief !== null) {
      const believed = nodes.find((n) => n.id === this.belief);
      if (believed !== undefined) return believed;
    }
    return nodes[this.rng.int(0, nodes.length - 1)];
  }
}
