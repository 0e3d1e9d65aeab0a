// backoff.ts: reconnect delays: exponential, capped, with "equal jitter" so that nodes restarting
// together do not reconnect in lockstep (half the delay is fixed, half uniformly random).
import { assert } from '../ds/assert.js';

/** BackoffRange bounds the delay before jitter. */
export interface BackoffRange {
  readonly delayMsMin: number;
  readonly delayMsMax: number;
}

/** attemptsMax caps the exponent (2^20 × any sane minimum is far beyond any maximum). */
const attemptsMax = 20;

/**
 * backoffDelayMs returns the delay before reconnect attempt `attempt` (0 = first retry):
 * base = min(delayMsMax, delayMsMin × 2^attempt), result uniform in [base / 2, base].
 * `random` returns a float in [0, 1).
 */
export function backoffDelayMs(attempt: number, range: BackoffRange, random: () => number): number {
  assert(Number.isInteger(attempt) && attempt >= 0, 'attempt is a count');
  assert(range.delayMsMin > 0 && range.delayMsMin <= range.delayMsMax, 'backoff range is valid');
  const base = Math.min(range.delayMsMax, range.delayMsMin * 2 ** Math.min(attempt, attemptsMax));
  const delayMs = Math.floor(base / 2 + random() * (base / 2));
  assert(delayMs >= 0 && delayMs <= range.delayMsMax, 'delay within range');
  return delayMs;
}
