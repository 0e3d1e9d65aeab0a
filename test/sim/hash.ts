// Small, fast, deterministic 64-bit hashing for the simulator (chain hashes of log prefixes and the
// trace hash). Not cryptographic: it only has to make accidental collisions in one run negligible.

/** Hash64 is a 64-bit hash as two unsigned 32-bit lanes. */
export interface Hash64 {
  hi: number;
  lo: number;
}

/** GENESIS_HASH is the chain hash of the empty log (seqno 0). */
export const GENESIS_HASH = '0000000000000000';

/** Hasher folds numbers, strings and bytes into a running 64-bit state (two murmur-style lanes). */
export class Hasher {
  private h1: number;
  private h2: number;

  constructor(seedHex: string = GENESIS_HASH) {
    this.h1 = Number.parseInt(seedHex.slice(0, 8), 16) >>> 0;
    this.h2 = Number.parseInt(seedHex.slice(8, 16), 16) >>> 0;
  }

  /** u32 folds one unsigned 32-bit word. */
  u32(word: number): this {
    let k = Math.imul(word >>> 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    this.h1 = Math.imul(((this.h1 ^ k) << 13) | ((this.h1 ^ k) >>> 19), 5) + 0xe6546b64;
    this.h1 >>>= 0;
    let j = Math.imul((word >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
    j = Math.imul((j << 17) | (j >>> 15), 0xc2b2ae35);
    this.h2 = (Math.imul(((this.h2 ^ j) << 11) | ((this.h2 ^ j) >>> 21), 7) + this.h1) >>> 0;
    return this;
  }

  /** num folds a (safe) integer or any number, by its IEEE bits for non-integers. */
  num(value: number): this {
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 52) {
      return this.u32(value % 0x100000000).u32(Math.floor(value / 0x100000000));
    }
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value);
    return this.u32(view.getUint32(0)).u32(view.getUint32(4));
  }

  str(text: string): this {
    this.u32(text.length);
    for (let i = 0; i < text.length; i++) this.u32(text.charCodeAt(i));
    return this;
  }

  bytes(data: Uint8Array): this {
    this.u32(data.length);
    for (let i = 0; i < data.length; i++) this.u32(data[i]!);
    return this;
  }

  /** hex returns the finalised state as 16 hex digits (the state itself is not changed). */
  hex(): string {
    let a = this.h1 ^ (this.h2 >>> 7);
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b) >>> 0;
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35) >>> 0;
    a = (a ^ (a >>> 16)) >>> 0;
    let b = this.h2 ^ Math.imul(a, 0x27d4eb2f);
    b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d) >>> 0;
    b = Math.imul(b ^ (b >>> 12), 0x297a2d39) >>> 0;
    b = (b ^ (b >>> 15)) >>> 0;
    return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  }
}

/** hexToBytes decodes 16 hex digits into 8 bytes. */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** bytesToHex encodes bytes as lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}
