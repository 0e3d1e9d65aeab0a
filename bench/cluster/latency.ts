// latency.ts: HdrHistogram-like latency recording without buckets: every latency goes into a
// growable Float64Array (bounded), sorted once at the end for exact percentiles.

/** LatencyRecorder holds latencies in microseconds; at most `capacityMax` samples are kept. */
export class LatencyRecorder {
  private values: Float64Array;
  private count = 0;
  private droppedCount = 0;

  constructor(
    initialCapacity = 1 << 16,
    private readonly capacityMax = 1 << 25,
  ) {
    this.values = new Float64Array(initialCapacity);
  }

  record(latencyUs: number): void {
    if (this.count === this.values.length) {
      if (this.values.length >= this.capacityMax) {
        this.droppedCount++;
        return;
      }
      const grown = new Float64Array(Math.min(this.capacityMax, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = latencyUs;
  }

  get size(): number {
    return this.count;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** summary sorts the samples and returns percentiles in microseconds (NaN when empty). */
  summary(): LatencySummary {
    const sorted = this.values.subarray(0, this.count).sort();
    const at = (q: number): number => {
      if (sorted.length === 0) return Number.NaN;
      const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
      return sorted[index] ?? Number.NaN;
    };
    let total = 0;
    for (const v of sorted) total += v;
    return {
      count: sorted.length,
      meanUs: sorted.length === 0 ? Number.NaN : total / sorted.length,
      p50Us: at(0.5),
      p99Us: at(0.99),
      p999Us: at(0.999),
      maxUs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN),
    };
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}
