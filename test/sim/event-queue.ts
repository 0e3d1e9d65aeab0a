// EventQueue: the simulator's discrete-event priority queue. Events are ordered by (timeMs,
// insertion counter), so two events at the same virtual time run in the order they were scheduled
// and a run is a pure function of its seed.
import { assert } from '../../src/ds/assert.js';

interface Slot<T> {
  readonly timeMs: number;
  readonly order: number;
  readonly event: T;
}

/** EventQueue is a binary min-heap keyed by (timeMs, insertion order). */
export class EventQueue<T> {
  private heap: Slot<T>[] = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  /** push schedules `event` at virtual time `timeMs` (a finite, non-negative number). */
  push(timeMs: number, event: T): void {
    assert(Number.isFinite(timeMs) && timeMs >= 0, 'event time must be finite and non-negative');
    const heap = this.heap;
    heap.push({ timeMs, order: this.counter++, event });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** peekTimeMs returns the time of the next event, or Infinity when empty. */
  peekTimeMs(): number {
    return this.heap[0]?.timeMs ?? Number.POSITIVE_INFINITY;
  }

  /** pop removes and returns the earliest event. */
  pop(): { timeMs: number; event: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return { timeMs: top.timeMs, event: top.event };
  }
}

function less<T>(a: Slot<T>, b: Slot<T>): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.order < b.order);
}
