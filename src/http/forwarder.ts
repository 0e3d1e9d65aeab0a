// forwarder.ts: the backup's side of request forwarding (DESIGN §8): a bounded table of requests
// sent to the primary over the node channel, each answered by the primary's response or, after
// forwardTimeoutMs, by 504 (TransactionFateUnknown for a write: it may still commit).
import { assert } from '../ds/assert.js';
import { ConsortError } from '../ds/errors.js';
import { errorResponse, type HttpResponse, toErrorResponse } from './errors.js';
import { encodeForwarded, type ForwardedRequest } from './forward-codec.js';

/**
 * ForwardChannel is the port to the node-to-node channel (mutually authenticated TLS between
 * service-endorsed nodes, so `from` is trusted). `send` queues one opaque message for `to` and
 * returns false when it cannot (unknown peer, queue full); delivery is best effort. The runtime
 * carries these payloads in frames of kind forwardedRequest/forwardedResponse (codec/frame.ts).
 */
export interface ForwardChannel {
  send(to: string, payload: Uint8Array): boolean;
  onMessage(handler: (from: string, payload: Uint8Array) => void): void;
}

/** SetTimer arms a one-shot timer and returns its cancel function (src/io has the real one). */
export type SetTimer = (delayMs: number, callback: () => void) => () => void;

interface InFlight {
  readonly to: string;
  readonly write: boolean;
  readonly resolve: (response: HttpResponse) => void;
  readonly cancelTimer: () => void;
}

/** ForwarderCounters are exported as metrics. */
export interface ForwarderCounters {
  sent: number;
  answered: number;
  timedOut: number;
  unexpectedResponses: number;
}

/**
 * Forwarder sends requests to the primary and matches responses by id. Every forward() settles
 * exactly once: with the primary's response, or with an error response (table full, channel
 * refused, timeout, close).
 */
export class Forwarder {
  private readonly channel: ForwardChannel;
  private readonly setTimer: SetTimer;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly timeoutMs: number;
  private readonly inFlightCountMax: number;
  private nextId = 1;
  readonly counters: ForwarderCounters = {
    sent: 0,
    answered: 0,
    timedOut: 0,
    unexpectedResponses: 0,
  };

  constructor(
    deps: { readonly channel: ForwardChannel; readonly setTimer: SetTimer },
    options: { readonly timeoutMs: number; readonly inFlightCountMax: number },
  ) {
    assert(options.timeoutMs > 0 && options.inFlightCountMax > 0, 'forwarding bounds are positive');
    this.channel = deps.channel;
    this.setTimer = deps.setTimer;
    this.timeoutMs = options.timeoutMs;
    this.inFlightCountMax = options.inFlightCountMax;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** forward sends `request` to node `to` (the primary); `write` selects the timeout's verdict. */
  forward(
    to: string,
    request: ForwardedRequest,
    options: { readonly write: boolean },
  ): Promise<HttpResponse> {
    if (this.inFlight.size >= this.inFlightCountMax) {
      return Promise.resolve(
        errorResponse(
          'TooManyPendingForwards',
          `${this.inFlightCountMax} requests are already forwarded`,
        ),
      );
    }
    const id = this.nextId++;
    let payload: Uint8Array;
    try {
      payload = encodeForwarded({ kind: 'request', id, request });
    } catch (error) {
      if (error instanceof ConsortError) return Promise.resolve(toErrorResponse(error));
      throw error;
    }
    return new Promise<HttpResponse>((resolve) => {
      const cancelTimer = this.setTimer(this.timeoutMs, () => this.timeout(id));
      this.inFlight.set(id, { to, write: options.write, resolve, cancelTimer });
      if (!this.channel.send(to, payload)) {
        this.settle(id, errorResponse('PrimaryNotFound', `the primary ${to} cannot be reached`));
        return;
      }
      this.counters.sent++;
    });
  }

  /** onResponse settles forward `id` if it was sent to `from`; other responses are dropped. */
  onResponse(from: string, id: number, response: HttpResponse): void {
    const pending = this.inFlight.get(id);
    if (pending === undefined || pending.to !== from) {
      this.counters.unexpectedResponses++;
      return;
    }
    this.counters.answered++;
    this.settle(id, response);
  }

  /**
   * primaryChanged settles at once every forward sent to a node that is no longer the primary
   * (e.g. it crashed): reads may simply be retried; writes may or may not have been applied.
   * Without it such requests would wait for the whole forwarding timeout.
   */
  primaryChanged(primary: string | null): void {
    for (const [id, pending] of this.inFlight) {
      if (pending.to === primary) continue;
      const why = `the primary changed (from ${pending.to.slice(0, 12)}) while the request was forwarded`;
      this.settle(
        id,
        pending.write ? this.noAnswer(pending, why) : errorResponse('PrimaryNotFound', `${why}; retry`),
      );
    }
  }

  /** close settles every pending forward (the node is shutting down). */
  close(): void {
    for (const [id, pending] of this.inFlight) {
      this.settle(id, this.noAnswer(pending, 'the node is shutting down'));
    }
  }

  private timeout(id: number): void {
    const pending = this.inFlight.get(id);
    if (pending === undefined) return;
    this.counters.timedOut++;
    this.settle(
      id,
      this.noAnswer(pending, `no answer from the primary within ${this.timeoutMs} ms`),
    );
  }

  private noAnswer(pending: InFlight, why: string): HttpResponse {
    if (!pending.write) return errorResponse('ForwardingTimeout', why);
    return errorResponse(
      'TransactionFateUnknown',
      `${why}; the write may or may not have been applied: check /node/tx before retrying`,
    );
  }

  private settle(id: number, response: HttpResponse): void {
    const pending = this.inFlight.get(id);
    assert(pending !== undefined, 'a forward settles once');
    this.inFlight.delete(id);
    pending.cancelTimer();
    pending.resolve(response);
  }
}
