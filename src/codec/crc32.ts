// CRC-32 (IEEE) for framing checks on disk: detects torn or flipped bytes cheaply. It is not a
// security mechanism — the Merkle tree and signatures are.
import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * crc32 returns the CRC-32 of `bytes` as an unsigned 32-bit integer; `previous` (the CRC-32 of
 * the bytes before) continues a running checksum: crc32(b, crc32(a)) === crc32(a ‖ b).
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return zlibCrc32(bytes, previous) >>> 0;
}
