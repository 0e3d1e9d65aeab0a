// node-transport.ts: node-to-node messaging over mutually authenticated TLS 1.3 (DESIGN §8,
// docs/wire.md §4). Each node listens for incoming connections (receive only) and keeps ONE
// outgoing connection per peer (send only). Frames are wire v1 (codec/frame.ts); payloads are
// opaque here. Delivery is best effort: frames queued for a peer that is down are kept up to the
// queue bounds, frames beyond them are dropped and counted, and frames in flight when a
// connection breaks are lost (Raft tolerates loss, duplication and reordering across connections).
import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import {
  connectTimeoutMs,
  frameBytesMax,
  helloTimeoutMs,
  incomingConnectionsCountMax,
  peerQueueBytesMax,
  peerQueueCountMax,
  reconnectDelayMsMax,
  reconnectDelayMsMin,
} from '../constants.js';
import { type FrameKind, FrameKind as Kind, isFrameKind } from '../codec/frame.js';
import { assert } from '../ds/assert.js';
import { LimitExceededError } from '../ds/errors.js';
import { Certificate } from '../crypto/certificate.js';
import { PrivateKey } from '../crypto/ecdsa.js';
import { bytesToHex } from '../crypto/encoding.js';
import { nodeIdOf } from '../crypto/ids.js';
import { TransportConfigError } from './errors.js';
import { acceptIncoming } from './incoming.js';
import { type PeerAddress, PeerLink } from './peer-link.js';
import {
  type MessageHandler,
  type NodeId,
  newCounters,
  type TransportContext,
  type TransportCounters,
  type TransportLimits,
  type TransportLogger,
} from './transport-context.js';

export type {
  MessageHandler,
  NodeId,
  PeerAddress,
  TransportCounters,
  TransportLimits,
  TransportLogger,
};

/** NodeTransportOptions configure one node's transport. */
export interface NodeTransportOptions {
  /** This node's id: must equal nodeIdOf(public key of certPem). */
  readonly nodeId: NodeId;
  readonly keyPem: string;
  /** This node's certificate, endorsed (signed) by the service key. */
  readonly certPem: string;
  /** The service certificate: the only trust anchor for peers. */
  readonly serviceCertPem: string;
  readonly listenHost: string;
  /** 0 picks a free port (read it back from `port`). */
  readonly listenPort: number;
  readonly logger?: TransportLogger;
  /** Overrides of the defaults from src/constants.ts (tests shrink them). */
  readonly limits?: Partial<TransportLimits>;
}

/** PeerStatus is what the transport knows about one configured peer. */
export interface PeerStatus {
  readonly connected: boolean;
  readonly queuedCount: number;
  readonly droppedCount: number;
}

/** NodeTransport is a running transport; see createNodeTransport. */
export interface NodeTransport {
  /** port is the bound listening port. */
  readonly port: number;
  /**
   * send queues one frame to `to` and returns true, or returns false (and counts a drop) when
   * `to` is not a configured peer or its queue is full. The payload is kept by reference until
   * written: do not modify it. Throws LimitExceededError above frameBytesMax.
   */
  send(to: NodeId, kind: FrameKind, payload: Uint8Array): boolean;
  /** setPeers replaces the peer set: new peers are dialled, removed ones closed and dropped. */
  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void;
  /** onMessage sets THE handler for frames from authenticated peers (replaces any previous one). */
  onMessage(handler: MessageHandler): void;
  /** counters returns a snapshot of the transport's counters. */
  counters(): TransportCounters;
  /** peerStatus describes a configured peer, or returns null. */
  peerStatus(peer: NodeId): PeerStatus | null;
  /** close stops everything; resolves once the listener and every socket are closed. */
  close(): Promise<void>;
}

const defaultLimits: TransportLimits = {
  queueCountMax: peerQueueCountMax,
  queueBytesMax: peerQueueBytesMax,
  reconnectDelayMsMin,
  reconnectDelayMsMax,
  connectionStableMs: 1000,
  connectTimeoutMs,
  helloTimeoutMs,
  socketBufferBytesMax: 1024 * 1024,
};

/** socketBufferBytesMin keeps the send-buffer bound above the socket's high-water mark. */
const socketBufferBytesMin = 64 * 1024;

/**
 * createNodeTransport checks the identity (throws TransportConfigError when the key, certificate,
 * node id and service certificate do not fit together), starts listening and returns the
 * transport. Peers are dialled once setPeers() names them.
 */
export async function createNodeTransport(options: NodeTransportOptions): Promise<NodeTransport> {
  const ctx = buildContext(options);
  const links = new Map<NodeId, PeerLink>();
  const incoming = new Set<TLSSocket>();
  const retiring = new Set<Promise<void>>();
  const retire = (link: PeerLink): void => {
    const done = link.close().then(() => {
      retiring.delete(done);
    });
    retiring.add(done);
  };
  let handler: MessageHandler | null = null;
  let closed = false;
  const server = listen(ctx, incoming, () => handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort, options.listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) =>
    ctx.log({ level: 'warn', event: 'serverError', nodeId: ctx.nodeId, reason: error.message }),
  );
  const port = (server.address() as AddressInfo).port;
  ctx.log({
    level: 'info',
    event: 'listening',
    nodeId: ctx.nodeId,
    reason: `${options.listenHost}:${port}`,
  });

  return {
    port,
    send(to, kind, payload) {
      assert(isFrameKind(kind) && kind !== Kind.hello, 'send: a data frame kind');
      if (payload.length > frameBytesMax) {
        throw new LimitExceededError({
          limitName: 'frameBytesMax',
          limit: frameBytesMax,
          actual: payload.length,
        });
      }
      const link = closed ? undefined : links.get(to);
      if (link === undefined) {
        ctx.counters.framesDroppedUnknownPeer++;
        return false;
      }
      return link.enqueue(kind, payload);
    },
    setPeers(peers) {
      assert(!closed, 'setPeers after close');
      updateLinks(ctx, links, peers, retire);
    },
    onMessage(h) {
      handler = h;
    },
    counters: () => ({ ...ctx.counters }),
    peerStatus(peer) {
      const link = links.get(peer);
      if (link === undefined) return null;
      return {
        connected: link.isConnected,
        queuedCount: link.queuedCount,
        droppedCount: link.droppedCount,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const sockets = [...incoming].map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => resolve());
            socket.destroy();
          }),
      );
      const linksClosed = [...links.values()].map((l) => l.close());
      await Promise.all([serverClosed, ...sockets, ...linksClosed, ...retiring]);
      links.clear();
    },
  };
}

function buildContext(options: NodeTransportOptions): TransportContext {
  const limits: TransportLimits = { ...defaultLimits, ...options.limits };
  if (limits.socketBufferBytesMax < socketBufferBytesMin) {
    throw new TransportConfigError(`socketBufferBytesMax below ${socketBufferBytesMin}`);
  }
  const serviceCert = parseCertificate(options.serviceCertPem, 'service certificate');
  const cert = parseCertificate(options.certPem, 'node certificate');
  let key: PrivateKey;
  try {
    key = PrivateKey.fromPem(options.keyPem);
  } catch (error) {
    throw new TransportConfigError('node key does not parse', error);
  }
  if (bytesToHex(key.publicKey().toDer()) !== bytesToHex(cert.publicKey.toDer())) {
    throw new TransportConfigError('node key does not match the node certificate');
  }
  if (nodeIdOf(cert.publicKey) !== options.nodeId) {
    throw new TransportConfigError('node id is not the SHA-256 of the certificate public key');
  }
  if (!cert.isSignedBy(serviceCert.publicKey)) {
    throw new TransportConfigError('node certificate is not endorsed by the service certificate');
  }
  const logger = options.logger;
  return {
    nodeId: options.nodeId,
    keyPem: options.keyPem,
    certPem: options.certPem,
    serviceCertPem: options.serviceCertPem,
    serviceCert,
    limits,
    counters: newCounters(),
    log: logger === undefined ? () => {} : logger,
    random: () => randomInt(0, 0x1_0000_0000) / 0x1_0000_0000,
    now: () => performance.now(),
  };
}

function parseCertificate(pem: string, what: string): Certificate {
  try {
    return Certificate.fromPem(pem);
  } catch (error) {
    throw new TransportConfigError(`${what} does not parse`, error);
  }
}

function listen(
  ctx: TransportContext,
  incoming: Set<TLSSocket>,
  handler: () => MessageHandler | null,
): Server {
  const server = createServer({
    key: ctx.keyPem,
    cert: ctx.certPem,
    ca: [ctx.serviceCertPem],
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    // Every peer must present a certificate chaining to the service cert (checked by OpenSSL,
    // with validity dates) before any byte is read; acceptIncoming then requires a direct
    // endorsement and a matching hello.
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: ctx.limits.helloTimeoutMs,
  });
  server.maxConnections = incomingConnectionsCountMax;
  server.on('tlsClientError', (error, socket) => {
    ctx.counters.incomingRefused++;
    const remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    ctx.log({
      level: 'warn',
      event: 'incomingRefused',
      nodeId: ctx.nodeId,
      remoteAddress,
      reason: error.message,
    });
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    incoming.add(socket);
    socket.once('close', () => incoming.delete(socket));
    acceptIncoming(ctx, socket, handler);
  });
  return server;
}

function updateLinks(
  ctx: TransportContext,
  links: Map<NodeId, PeerLink>,
  peers: ReadonlyMap<NodeId, PeerAddress>,
  retire: (link: PeerLink) => void,
): void {
  for (const [id, link] of links) {
    const next = peers.get(id);
    if (next === undefined || next.host !== link.address.host || next.port !== link.address.port) {
      links.delete(id);
      retire(link);
    }
  }
  for (const [id, address] of peers) {
    if (id === ctx.nodeId || links.has(id)) continue;
    assert(
      Number.isInteger(address.port) && address.port > 0 && address.port < 65536,
      'peer port is valid',
    );
    const link = new PeerLink(ctx, id, address);
    links.set(id, link);
    link.start();
  }
}
