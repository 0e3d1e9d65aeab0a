// CRC-32 (IEEE) for framing checks on disk: detects torn or flipped bytes cheaply. It is not a
// security mechanism — the Merkle tree and signatures are.
import { crc32 as zlibCrc32 } from 'node:zlib';

/** crc32 returns the CRC-32 of `bytes` as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}
