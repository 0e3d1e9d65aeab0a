// SimEvent: everything the discrete-event loop can run.
import type { Delivery } from './network.js';

/** SimEvent is one scheduled event; node events carry the node life they were scheduled for. */
export type SimEvent =
  | { readonly kind: 'tick'; readonly node: string; readonly life: number }
  | { readonly kind: 'fsync'; readonly node: string; readonly life: number; readonly token: number }
  | { readonly kind: 'deliver'; readonly delivery: Delivery }
  | { readonly kind: 'crash' }
  | { readonly kind: 'restart'; readonly node: string }
  | { readonly kind: 'partition' }
  | { readonly kind: 'propose' }
  | { readonly kind: 'reconfig' }
  | { readonly kind: 'liveness-start' }
  | { readonly kind: 'liveness-check' };

/** EVENT_CODE numbers event kinds for the trace hash. */
export const EVENT_CODE: Record<SimEvent['kind'], number> = {
  tick: 1,
  fsync: 2,
  deliver: 3,
  crash: 4,
  restart: 5,
  partition: 6,
  propose: 7,
  reconfig: 8,
  'liveness-start': 9,
  'liveness-check': 10,
};
