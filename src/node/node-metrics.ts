// NodeMetrics: counters and a latency histogram rendered in the Prometheus text format.
/** Histogram counts observations into fixed buckets (cumulative when rendered). */
export class Histogram {
  readonly boundsMs: readonly number[];
  private readonly counts: number[];
  private sumMs = 0;
  private count = 0;

  constructor(boundsMs: readonly number[]) {
    this.boundsMs = boundsMs;
    this.counts = new Array<number>(boundsMs.length).fill(0);
  }

  observe(valueMs: number): void {
    this.sumMs += valueMs;
    this.count++;
    for (let i = 0; i < this.boundsMs.length; i++) {
      if (valueMs <= this.boundsMs[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }

  render(name: string, help: string): string {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    let cumulative = 0;
    for (let i = 0; i < this.boundsMs.length; i++) {
      cumulative += this.counts[i]!;
      lines.push(`${name}_bucket{le="${this.boundsMs[i]! / 1000}"} ${cumulative}`);
    }
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${name}_sum ${this.sumMs / 1000}`, `${name}_count ${this.count}`);
    return lines.join('\n');
  }
}

/** NodeMetrics holds what /node/metrics reports besides gauges read at render time. */
export class NodeMetrics {
  writes = 0;
  viewChanges = 0;
  ledgerBytes = 0;
  readonly commitLatencyMs = new Histogram([0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000]);
  readonly fsyncLatencyMs = new Histogram([0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 500]);
}
