// The real clock, timers and randomness (STYLE rule 2: the only place besides main that reads them).
import { randomInt, randomBytes } from 'node:crypto';
import type { Rng } from '../ds/rng.js';

/** nowMs is a monotonic millisecond clock. */
export function nowMs(): number {
  return performance.now();
}

/** setTimer arms a one-shot timer and returns its cancel function. */
export function setTimer(delayMs: number, callback: () => void): () => void {
  const handle = setTimeout(callback, delayMs);
  return () => clearTimeout(handle);
}

/** every runs `callback` every `intervalMs` until the returned function is called. */
export function every(intervalMs: number, callback: () => void): () => void {
  const handle = setInterval(callback, intervalMs);
  return () => clearInterval(handle);
}

/** CryptoRng draws from the operating system's CSPRNG (election timeouts in a real node). */
export class CryptoRng implements Rng {
  next(): number {
    return randomInt(0, 2 ** 48) / 2 ** 48;
  }
  int(min: number, max: number): number {
    return randomInt(min, max + 1);
  }
}

/** secretBytes returns `count` bytes from the CSPRNG (ledger secrets). */
export function secretBytes(count: number): Uint8Array {
  return new Uint8Array(randomBytes(count));
}

/** nextTurn runs `callback` after the current event-loop turn's I/O callbacks (setImmediate). */
export function nextTurn(callback: () => void): void {
  setImmediate(callback);
}
