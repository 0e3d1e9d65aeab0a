// frame-queue.ts: the bounded FIFO of frames waiting for one peer's connection.
import { assert } from '../ds/assert.js';
import type { FrameKind } from '../codec/frame.js';

/** QueuedFrame is a frame not yet handed to a socket. */
export interface QueuedFrame {
  readonly kind: FrameKind;
  readonly payload: Uint8Array;
}

/**
 * FrameQueue holds at most `countMax` frames and `bytesMax` payload bytes; `push` refuses (and
 * counts) a frame that would exceed either bound. O(1) push and shift.
 */
export class FrameQueue {
  private items: (QueuedFrame | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  /** droppedCount counts frames refused because the queue was full. */
  droppedCount = 0;

  constructor(
    private readonly countMax: number,
    private readonly bytesMax: number,
  ) {
    assert(countMax > 0 && bytesMax > 0, 'queue bounds are positive');
  }

  get count(): number {
    return this.items.length - this.head;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** push appends `frame` and returns true, or returns false (and counts a drop) when full. */
  push(frame: QueuedFrame): boolean {
    if (this.count >= this.countMax || this.bytes + frame.payload.length > this.bytesMax) {
      this.droppedCount++;
      return false;
    }
    this.items.push(frame);
    this.bytes += frame.payload.length;
    return true;
  }

  /** shift removes and returns the oldest frame, or undefined when empty. */
  shift(): QueuedFrame | undefined {
    if (this.head === this.items.length) return undefined;
    const frame = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head++;
    this.bytes -= frame.payload.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    assert(this.bytes >= 0, 'queued bytes never negative');
    return frame;
  }

  /** clear drops every queued frame (not counted as drops: the peer was removed). */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.bytes = 0;
  }
}
