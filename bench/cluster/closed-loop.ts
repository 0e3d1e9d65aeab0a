// closed-loop.ts: a closed-loop load generator: `inFlight` workers each issue one request, await
// it, and issue the next, for a warm-up and then a measured window. Only requests that start and
// complete inside the window count (throughput and latency); errors are counted separately.
import { LatencyRecorder, type LatencySummary } from './latency.js';

/** Operation issues request number `seq`; resolves true on success (e.g. committed), else false. */
export type Operation = (seq: number) => Promise<boolean>;

export interface ClosedLoopOptions {
  readonly inFlight: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** onMeasureStart/onMeasureEnd run at the window's edges (CPU sampling). */
  readonly onMeasureStart?: () => void;
  readonly onMeasureEnd?: () => void;
  /** drainMs bounds the wait for requests still in flight after the window. */
  readonly drainMs?: number;
}

export interface ClosedLoopResult {
  readonly okCount: number;
  readonly errorCount: number;
  /** okTotal counts every success, warm-up and drain included (progress, not throughput). */
  readonly okTotal: number;
  readonly windowS: number;
  readonly opsPerS: number;
  readonly latency: LatencySummary;
  /** firstError is the message of the first failure (for the report), or null. */
  readonly firstError: string | null;
}

/** runClosedLoop drives `op` and returns the measured window's statistics. */
export async function runClosedLoop(
  op: Operation,
  options: ClosedLoopOptions,
): Promise<ClosedLoopResult> {
  const recorder = new LatencyRecorder();
  let seq = 0;
  let okCount = 0;
  let okTotal = 0;
  let errorCount = 0;
  let firstError: string | null = null;
  const startMs = performance.now();
  const measureStartMs = startMs + options.warmupMs;
  const measureEndMs = measureStartMs + options.durationMs;
  let measuring = false;
  let windowStartMs = measureStartMs;
  let windowEndMs = measureEndMs;

  const windowTimer = setTimeout(() => {
    windowStartMs = performance.now();
    measuring = true;
    options.onMeasureStart?.();
  }, options.warmupMs);
  let ended = false;
  const endWindow = (): void => {
    if (ended) return;
    ended = true;
    measuring = false;
    windowEndMs = performance.now();
    options.onMeasureEnd?.();
  };
  const endTimer = setTimeout(endWindow, options.warmupMs + options.durationMs);

  const worker = async (): Promise<void> => {
    while (performance.now() < measureEndMs) {
      const t0 = performance.now();
      const counted = measuring;
      let ok: boolean;
      try {
        ok = await op(seq++);
      } catch (error) {
        ok = false;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      const t1 = performance.now();
      if (ok) okTotal++;
      if (counted && measuring) {
        if (ok) {
          okCount++;
          recorder.record((t1 - t0) * 1000);
        } else {
          errorCount++;
        }
      }
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const workers = Array.from({ length: options.inFlight }, () => worker());
  const drained = Promise.all(workers);
  const drainMs = options.drainMs ?? 15_000;
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    drained,
    new Promise((resolve) => {
      drainTimer = setTimeout(resolve, options.warmupMs + options.durationMs + drainMs);
    }),
  ]);
  clearTimeout(drainTimer);
  clearTimeout(windowTimer);
  clearTimeout(endTimer);
  endWindow();
  const windowS = Math.max(1e-9, (windowEndMs - windowStartMs) / 1000);
  return {
    okCount,
    errorCount,
    okTotal,
    windowS,
    opsPerS: okCount / windowS,
    latency: recorder.summary(),
    firstError,
  };
}
