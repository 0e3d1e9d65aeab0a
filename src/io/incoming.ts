// incoming.ts: one accepted connection, used only to receive. TLS has already required a client
// certificate chaining to the service cert; here the certificate must be DIRECTLY endorsed by the
// service key, the first frame must be a hello (small, bounded by helloBytesMax) naming the node
// id of that certificate, and only then are frames delivered, tagged with that node id.
import type { TLSSocket } from 'node:tls';
import { frameBytesMax, helloBytesMax } from '../constants.js';
import { decodeHello, FrameDecoder, FrameKind } from '../codec/frame.js';
import { FormatError, LimitExceededError } from '../ds/errors.js';
import { checkPeerCertificate } from './peer-identity.js';
import type { MessageHandler, NodeId, TransportContext } from './transport-context.js';

/**
 * acceptIncoming takes over an authenticated TLS socket: it refuses (logs, counts, destroys) a
 * peer whose certificate or hello is wrong, and otherwise calls `deliver()` for each frame.
 */
export function acceptIncoming(
  ctx: TransportContext,
  socket: TLSSocket,
  deliver: () => MessageHandler | null,
): void {
  const remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  const refuse = (reason: string, peer?: NodeId): void => {
    ctx.counters.incomingRefused++;
    const fields = peer === undefined ? {} : { peer };
    ctx.log({
      level: 'warn',
      event: 'incomingRefused',
      nodeId: ctx.nodeId,
      remoteAddress,
      reason,
      ...fields,
    });
    socket.destroy();
  };
  const check = checkPeerCertificate(socket.getPeerX509Certificate()?.raw, ctx.serviceCert);
  if (!check.ok) {
    refuse(check.reason);
    return;
  }
  const certNodeId = check.nodeId;
  const decoder = new FrameDecoder({ frameBytesMax: helloBytesMax });
  let helloSeen = false;
  socket.setNoDelay(true);
  socket.setTimeout(ctx.limits.helloTimeoutMs);
  socket.once('timeout', () => {
    if (!helloSeen) refuse('no hello in time', certNodeId);
  });
  socket.on('error', () => {
    // Reported by 'close'; a reset peer is routine.
  });
  socket.on('data', (chunk: Buffer) => {
    ctx.counters.bytesReceived += chunk.length;
    decoder.push(chunk);
    while (!socket.destroyed) {
      let frame: ReturnType<FrameDecoder['next']>;
      try {
        frame = decoder.next();
      } catch (error) {
        if (!(error instanceof FormatError || error instanceof LimitExceededError)) throw error;
        refuse(`bad frame: ${error.message}`, certNodeId);
        return;
      }
      if (frame === null) return;
      if (!helloSeen) {
        const problem = helloProblem(frame.kind, frame.payload, certNodeId);
        if (problem !== null) {
          refuse(problem, certNodeId);
          return;
        }
        helloSeen = true;
        decoder.frameBytesMax = frameBytesMax;
        socket.setTimeout(0);
        ctx.counters.incomingAccepted++;
        ctx.log({
          level: 'info',
          event: 'incomingAccepted',
          nodeId: ctx.nodeId,
          peer: certNodeId,
          remoteAddress,
        });
        continue;
      }
      if (frame.kind === FrameKind.hello) {
        refuse('second hello', certNodeId);
        return;
      }
      ctx.counters.framesReceived++;
      deliver()?.(certNodeId, frame.kind, frame.payload);
    }
  });
}

/** helloProblem says why the first frame is not a hello naming `certNodeId`, or null. */
function helloProblem(kind: FrameKind, payload: Uint8Array, certNodeId: NodeId): string | null {
  if (kind !== FrameKind.hello) return `first frame is kind ${kind}, not hello`;
  let nodeId: string;
  try {
    nodeId = decodeHello(payload).nodeId;
  } catch (error) {
    if (error instanceof FormatError) return `bad hello: ${error.message}`;
    throw error;
  }
  return nodeId === certNodeId
    ? null
    : `hello names node ${nodeId}, certificate is node ${certNodeId}`;
}
