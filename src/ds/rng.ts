import { assert } from './assert.js';

/** Rng is the only source of randomness the deterministic core sees. */
export interface Rng {
  /** next returns a uniform float in [0, 1). */
  next(): number;
  /** int returns a uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
}

/**
 * SeededRng is a small, fast, deterministic PRNG (xoshiro128**, seeded by splitmix32).
 * Not for cryptography: it drives election timeouts and the simulator only.
 */
export class SeededRng implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    assert(Number.isSafeInteger(seed), 'seed must be a safe integer');
    let s = (seed ^ Math.floor(seed / 0x100000000)) >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  private nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  next(): number {
    return this.nextU32() / 0x100000000;
  }

  int(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max), 'int bounds must be integers');
    assert(min <= max, 'int: min <= max');
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** fork derives an independent generator (per-component sub-seeds for the simulator). */
  fork(): SeededRng {
    return new SeededRng(this.nextU32() * 0x10000 + (this.nextU32() & 0xffff));
  }

  /** chance returns true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
