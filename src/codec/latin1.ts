// latin1.ts converts between bytes and "latin1 strings": strings whose code units are exactly the
// bytes (0..255), one per byte. They are a compact, immutable, hashable form of a byte string
// (the KV store keys its maps by them), and comparing two of them with `<` is bytewise order.
// Browser-safe: Node's native Buffer routines are used when present, a plain loop otherwise.

/** Native latin1 routines of Node's Buffer, used on plain Uint8Arrays when available. */
interface NativeLatin1 {
  latin1Slice(this: Uint8Array, start: number, end: number): string;
  latin1Write(this: Uint8Array, text: string, offset: number, length: number): number;
}

const native: NativeLatin1 | undefined = (() => {
  const buffer = (globalThis as { Buffer?: { prototype: Partial<NativeLatin1> } }).Buffer;
  const proto = buffer?.prototype;
  if (proto?.latin1Slice === undefined || proto.latin1Write === undefined) return undefined;
  return proto as NativeLatin1;
})();

/** Below this many bytes a JS loop beats the native call overhead. */
const nativeThresholdBytes = 48;
/** String.fromCharCode.apply takes at most this many arguments per call (stack safety). */
const applyChunkBytes = 4096;

/** bytesToLatin1 returns the latin1 string of `bytes[start, end)`; never copies the bytes. */
export function bytesToLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (native !== undefined) return native.latin1Slice.call(bytes, start, end);
  let out = '';
  for (let i = start; i < end; i += applyChunkBytes) {
    const chunk = bytes.subarray(i, Math.min(end, i + applyChunkBytes));
    out += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return out;
}

/**
 * writeLatin1 stores the code units of `text` (each must be 0..255) into `target` at `offset`.
 * The caller guarantees `offset + text.length <= target.length`.
 */
export function writeLatin1(target: Uint8Array, offset: number, text: string): void {
  const length = text.length;
  if (native !== undefined && length >= nativeThresholdBytes) {
    native.latin1Write.call(target, text, offset, length);
    return;
  }
  for (let i = 0; i < length; i++) target[offset + i] = text.charCodeAt(i);
}

/** latin1ToBytes returns a fresh Uint8Array with the code units of `text` (each 0..255). */
export function latin1ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  writeLatin1(out, 0, text);
  return out;
}

/** compareBytes orders byte strings lexicographically (a proper prefix sorts first). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
