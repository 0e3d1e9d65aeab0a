import { assert } from '../ds/assert.js';

/**
 * Progress is the primary's view of one peer's log (etcd-raft's Progress):
 * - `probe`: one AppendEntries at a time until the matching point is found;
 * - `replicate`: pipelined AppendEntries, bounded by in-flight bytes (flow control);
 * - `snapshot`: the peer is too far behind the compacted log and is being sent a snapshot.
 */
export class Progress {
  state: 'probe' | 'replicate' | 'snapshot' = 'probe';
  /** Highest seqno known to match the primary's log. */
  matchSeqno = 0;
  /** Next seqno to send. */
  nextSeqno: number;
  /** In probe state: an AppendEntries is outstanding (paused until a response or heartbeat). */
  probeSent = false;
  /** Any response seen since the last CheckQuorum round. */
  recentActive = false;
  /** Any acknowledgement seen since the last heartbeat (detects lost pipelined messages). */
  ackedSinceHeartbeat = false;
  /** Ticks since the snapshot was last sent (resend when it may have been lost). */
  snapshotTicks = 0;
  private inflight: { lastSeqno: number; bytes: number }[] = [];
  private inflightHead = 0;
  inflightBytes = 0;

  constructor(nextSeqno: number) {
    assert(nextSeqno >= 1, 'next seqno starts at 1');
    this.nextSeqno = nextSeqno;
  }

  /** sent records a pipelined AppendEntries ending at `lastSeqno` carrying `bytes` of entries. */
  sent(lastSeqno: number, bytes: number): void {
    if (this.state === 'replicate') {
      this.inflight.push({ lastSeqno, bytes });
      this.inflightBytes += bytes;
      this.nextSeqno = lastSeqno + 1;
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /** acknowledge frees in-flight messages up to `seqno` and raises the match point. */
  acknowledge(seqno: number): boolean {
    this.recentActive = true;
    while (this.inflightHead < this.inflight.length) {
      const head = this.inflight[this.inflightHead]!;
      if (head.lastSeqno > seqno) break;
      this.inflightBytes -= head.bytes;
      this.inflightHead++;
      // Only an ack that frees in-flight messages shows the pipeline is moving: a heartbeat ack at
      // the old match point must not hide a lost AppendEntries (found by the simulator, seed 272).
      this.ackedSinceHeartbeat = true;
    }
    if (this.inflightHead > 64 && this.inflightHead * 2 > this.inflight.length) {
      this.inflight = this.inflight.slice(this.inflightHead);
      this.inflightHead = 0;
    }
    if (seqno <= this.matchSeqno) return false;
    this.ackedSinceHeartbeat = true;
    this.matchSeqno = seqno;
    if (this.nextSeqno <= seqno) this.nextSeqno = seqno + 1;
    return true;
  }

  /**
   * forgetMatchAbove lowers the match point: the backup's log is shorter than it acknowledged
   * (a restart cut an unsigned tail back to its last signature — no commit point is lost, since
   * commit points are signatures). Lowering it only makes commit counting more conservative.
   */
  forgetMatchAbove(seqno: number): void {
    if (seqno >= this.matchSeqno) return;
    this.matchSeqno = seqno;
    this.clearInflight();
  }

  becomeProbe(nextSeqno: number): void {
    this.state = 'probe';
    this.nextSeqno = Math.max(nextSeqno, this.matchSeqno + 1);
    this.probeSent = false;
    this.clearInflight();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.nextSeqno = this.matchSeqno + 1;
    this.probeSent = false;
    this.clearInflight();
  }

  becomeSnapshot(): void {
    this.state = 'snapshot';
    this.snapshotTicks = 0;
    this.clearInflight();
  }

  /** canSend tells whether another AppendEntries may go out now. */
  canSend(inflightBytesMax: number): boolean {
    if (this.state === 'probe') return !this.probeSent;
    if (this.state === 'replicate') return this.inflightBytes < inflightBytesMax;
    return false;
  }

  private clearInflight(): void {
    this.inflight = [];
    this.inflightHead = 0;
    this.inflightBytes = 0;
  }
}
