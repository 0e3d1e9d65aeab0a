// transport-context.ts: what the transport's parts (outgoing links, incoming connections) share:
// identity, TLS material, limits, counters and the logger.
import type { FrameKind } from '../codec/frame.js';
import type { Certificate } from '../crypto/certificate.js';

/** NodeId is a node's id (hex SHA-256 of its public key DER); same as consensus NodeId. */
export type NodeId = string;

/** TransportLogEvent is one structured log record (no logging dependency). */
export interface TransportLogEvent {
  readonly level: 'debug' | 'info' | 'warn';
  /** A stable camelCase event name, e.g. `incomingRefused`, `connected`, `queueFull`. */
  readonly event: string;
  readonly nodeId: NodeId;
  readonly peer?: NodeId;
  readonly remoteAddress?: string;
  readonly reason?: string;
  readonly delayMs?: number;
}

/** TransportLogger receives log events; it must not throw. */
export type TransportLogger = (event: TransportLogEvent) => void;

/** MessageHandler receives each frame delivered by an authenticated peer; it must not throw. */
export type MessageHandler = (from: NodeId, kind: FrameKind, payload: Uint8Array) => void;

/** TransportLimits: defaults come from src/constants.ts; tests shrink them. */
export interface TransportLimits {
  readonly queueCountMax: number;
  readonly queueBytesMax: number;
  readonly reconnectDelayMsMin: number;
  readonly reconnectDelayMsMax: number;
  /** A connection that stayed up this long resets the backoff. */
  readonly connectionStableMs: number;
  readonly connectTimeoutMs: number;
  readonly helloTimeoutMs: number;
  /** Bytes handed to one socket but not yet sent before the link waits for 'drain'. */
  readonly socketBufferBytesMax: number;
}

/** TransportCounters count what happened since creation (monotonic). */
export interface TransportCounters {
  framesSent: number;
  framesDroppedQueueFull: number;
  framesDroppedUnknownPeer: number;
  framesReceived: number;
  bytesReceived: number;
  connectionsOpened: number;
  connectFailures: number;
  incomingAccepted: number;
  incomingRefused: number;
  outgoingRefused: number;
}

/** TransportContext is shared, read-mostly state of one transport. */
export interface TransportContext {
  readonly nodeId: NodeId;
  readonly keyPem: string;
  readonly certPem: string;
  readonly serviceCertPem: string;
  readonly serviceCert: Certificate;
  readonly limits: TransportLimits;
  readonly counters: TransportCounters;
  readonly log: TransportLogger;
  readonly random: () => number;
  readonly now: () => number;
}

/** newCounters returns zeroed counters. */
export function newCounters(): TransportCounters {
  return {
    framesSent: 0,
    framesDroppedQueueFull: 0,
    framesDroppedUnknownPeer: 0,
    framesReceived: 0,
    bytesReceived: 0,
    connectionsOpened: 0,
    connectFailures: 0,
    incomingAccepted: 0,
    incomingRefused: 0,
    outgoingRefused: 0,
  };
}
