// Virtual per-node clocks: each node ticks with its own period (base ± drift, fixed for the node's
// lifetime) plus per-tick jitter, so nodes time out at different rates as real machines do.
import type { SeededRng } from '../../src/ds/rng.js';

/** NodeClock yields the virtual delay until a node's next tick. */
export class NodeClock {
  readonly tickMsPeriod: number;
  private readonly rng: SeededRng;
  private readonly jitterMax: number;

  constructor(rng: SeededRng, options: { tickMsBase: number; driftMax: number; jitterMax: number }) {
    this.rng = rng;
    this.jitterMax = options.jitterMax;
    const drift = (rng.next() * 2 - 1) * options.driftMax;
    this.tickMsPeriod = options.tickMsBase * (1 + drift);
  }

  /** nextTickDelayMs returns the period of the coming tick, jittered, rounded to 0.01 ms. */
  nextTickDelayMs(): number {
    const jitter = (this.rng.next() * 2 - 1) * this.jitterMax;
    return Math.max(0.01, Math.round(this.tickMsPeriod * (1 + jitter) * 100) / 100);
  }
}

/** exponentialMs draws min + Exp(mean - min), capped at `capFactor` * mean, rounded to 0.01 ms. */
export function exponentialMs(rng: SeededRng, minMs: number, meanMs: number, capFactor = 10): number {
  const extra = -Math.log(1 - rng.next()) * Math.max(0, meanMs - minMs);
  return Math.round(Math.min(minMs + extra, capFactor * Math.max(meanMs, 1)) * 100) / 100;
}
