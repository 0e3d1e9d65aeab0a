// peer-link.ts: the ONE outgoing connection to one peer, used only for sending. It owns a bounded
// frame queue, (re)connects with exponential backoff + jitter, authenticates the server (endorsed
// by the service AND its node id is the peer's), sends a hello first, then drains the queue with
// socket backpressure. Anything the server sends back is a protocol violation.
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { connect } from 'node:tls';
import {
  encodeFrameHeader,
  encodeHello,
  type FrameKind,
  FrameKind as Kind,
} from '../codec/frame.js';
import { assert } from '../ds/assert.js';
import { backoffDelayMs } from './backoff.js';
import { FrameQueue } from './frame-queue.js';
import { checkPeerCertificate } from './peer-identity.js';
import type { NodeId, TransportContext } from './transport-context.js';

/** PeerAddress is where a peer listens. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

type LinkState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';

/** PeerLink sends frames to one peer; see the file comment. */
export class PeerLink {
  private readonly queue: FrameQueue;
  private state: LinkState = 'idle';
  private socket: TLSSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private openedAtMs = 0;
  private lastError = '';
  private droppingSinceLog = false;

  constructor(
    private readonly ctx: TransportContext,
    readonly peerId: NodeId,
    readonly address: PeerAddress,
  ) {
    this.queue = new FrameQueue(ctx.limits.queueCountMax, ctx.limits.queueBytesMax);
  }

  /** isConnected tells whether the hello went out and frames flow. */
  get isConnected(): boolean {
    return this.state === 'open';
  }

  get queuedCount(): number {
    return this.queue.count;
  }

  get droppedCount(): number {
    return this.queue.droppedCount;
  }

  /** start opens the connection (idempotent). */
  start(): void {
    if (this.state === 'idle') this.connect();
  }

  /** enqueue queues a frame and flushes when connected; false when the queue is full. */
  enqueue(kind: FrameKind, payload: Uint8Array): boolean {
    assert(this.state !== 'closed', 'enqueue on a closed link');
    if (!this.queue.push({ kind, payload })) {
      this.ctx.counters.framesDroppedQueueFull++;
      if (!this.droppingSinceLog) {
        this.droppingSinceLog = true;
        this.log('warn', 'queueFull', { reason: `${this.queue.count} frames queued` });
      }
      return false;
    }
    this.droppingSinceLog = false;
    if (this.state === 'open') this.scheduleFlush();
    return true;
  }

  private flushScheduled = false;

  /**
   * scheduleFlush coalesces the frames queued in one synchronous burst (e.g. all messages of one
   * Ready) into one corked write — one TLS record instead of one per frame.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** close stops reconnecting, drops the queue and resolves once the socket is closed. */
  async close(): Promise<void> {
    this.state = 'closed';
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.clear();
    const socket = this.socket;
    if (socket === null) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private connect(): void {
    assert(this.socket === null, 'one connection per link');
    this.state = 'connecting';
    const socket = connect({
      host: this.address.host,
      port: this.address.port,
      key: this.ctx.keyPem,
      cert: this.ctx.certPem,
      ca: [this.ctx.serviceCertPem],
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      // OpenSSL checks the chain to the service cert and the validity dates...
      rejectUnauthorized: true,
      // ...and this replaces the host-name check: node certs name nodes, not hosts.
      checkServerIdentity: (_host, cert) => this.checkServer(cert),
    });
    this.socket = socket;
    socket.setTimeout(this.ctx.limits.connectTimeoutMs);
    socket.once('timeout', () => socket.destroy(new Error('connect timeout')));
    socket.once('secureConnect', () => this.onOpen(socket));
    socket.on('drain', () => this.flush());
    socket.on('data', () => {
      this.log('warn', 'protocolError', { reason: 'the listener sent data' });
      socket.destroy();
    });
    socket.on('error', (error) => {
      this.lastError = error.message;
    });
    socket.once('close', () => this.onClose(socket));
  }

  private checkServer(cert: PeerCertificate): Error | undefined {
    const check = checkPeerCertificate(cert.raw, this.ctx.serviceCert);
    let reason: string | null = null;
    if (!check.ok) reason = check.reason;
    else if (check.nodeId !== this.peerId) reason = `listener is node ${check.nodeId}`;
    if (reason === null) return undefined;
    this.ctx.counters.outgoingRefused++;
    this.log('warn', 'outgoingRefused', { reason });
    return new Error(`peer refused: ${reason}`);
  }

  private onOpen(socket: TLSSocket): void {
    if (this.state === 'closed') return;
    socket.setTimeout(0);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    const hello = encodeHello({ nodeId: this.ctx.nodeId });
    socket.write(encodeFrameHeader(Kind.hello, hello.length));
    socket.write(hello);
    this.state = 'open';
    this.openedAtMs = this.ctx.now();
    this.ctx.counters.connectionsOpened++;
    this.log('info', 'connected', {});
    this.flush();
  }

  /** flush hands queued frames to the socket until its buffer passes socketBufferBytesMax. */
  private flush(): void {
    const socket = this.socket;
    if (this.state !== 'open' || socket === null || socket.destroyed) return;
    const bufferBytesMax = this.ctx.limits.socketBufferBytesMax;
    if (socket.writableLength >= bufferBytesMax) return; // 'drain' will call again
    socket.cork();
    while (socket.writableLength < bufferBytesMax) {
      const frame = this.queue.shift();
      if (frame === undefined) break;
      socket.write(encodeFrameHeader(frame.kind, frame.payload.length));
      socket.write(frame.payload);
      this.ctx.counters.framesSent++;
    }
    socket.uncork();
  }

  private onClose(socket: TLSSocket): void {
    assert(this.socket === socket, 'close of the current socket');
    this.socket = null;
    if (this.state === 'closed') return;
    if (this.state === 'open') {
      const upMs = this.ctx.now() - this.openedAtMs;
      if (upMs >= this.ctx.limits.connectionStableMs) this.attempt = 0;
      this.log('info', 'disconnected', { reason: this.lastError || 'closed by peer' });
    } else {
      this.ctx.counters.connectFailures++;
      this.log('debug', 'connectFailed', { reason: this.lastError || 'closed during handshake' });
    }
    this.lastError = '';
    const delayMs = backoffDelayMs(this.attempt, this.backoffRange(), this.ctx.random);
    this.attempt++;
    this.state = 'waiting';
    this.log('debug', 'reconnectScheduled', { delayMs });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state === 'waiting') this.connect();
    }, delayMs);
  }

  private backoffRange(): { delayMsMin: number; delayMsMax: number } {
    const limits = this.ctx.limits;
    return { delayMsMin: limits.reconnectDelayMsMin, delayMsMax: limits.reconnectDelayMsMax };
  }

  private log(
    level: 'debug' | 'info' | 'warn',
    event: string,
    fields: { reason?: string; delayMs?: number },
  ): void {
    this.ctx.log({ level, event, nodeId: this.ctx.nodeId, peer: this.peerId, ...fields });
  }
}
