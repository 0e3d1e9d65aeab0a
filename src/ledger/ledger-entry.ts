// Ledger entry format v1 (docs/formats.md "Ledger entry"): the bytes consensus replicates for one
// transaction. Header ‖ public domain (clear) ‖ private domain (AES-256-GCM). The header is the
// GCM additional data, so the tx id, kind and lengths are bound to the ciphertext.
import { ByteReader } from '../codec/byte-reader.js';
import { ledgerEntryBytesMax } from '../constants.js';
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import { AES_GCM_IV_BYTES, AES_GCM_TAG_BYTES, aesGcmDecrypt, aesGcmEncrypt } from '../crypto/symmetric.js';
import type { LedgerSecret } from './ledger-secret.js';

export const LEDGER_ENTRY_VERSION = 1;
/** LEDGER_ENTRY_HEADER_BYTES is the fixed header size (without the optional claims digest). */
export const LEDGER_ENTRY_HEADER_BYTES = 28;
const FLAG_CLAIMS = 1;
const CLAIMS_BYTES = 32;

/** EntryKindCode: 0 = application transaction, 1 = signature, 2 = reconfiguration. */
export type EntryKindCode = 0 | 1 | 2;

/** LedgerEntry is a decoded entry; `privateSealed` stays encrypted until `openPrivate`. */
export interface LedgerEntry {
  readonly view: number;
  readonly seqno: number;
  readonly kind: EntryKindCode;
  readonly claimsDigest: Uint8Array | null;
  readonly publicBytes: Uint8Array;
  readonly privateSealed: Uint8Array;
  /** header is the bytes the private domain's GCM tag authenticates. */
  readonly header: Uint8Array;
}

export interface LedgerEntryInput {
  readonly view: number;
  readonly seqno: number;
  readonly kind: EntryKindCode;
  readonly claimsDigest?: Uint8Array | null;
  readonly publicBytes: Uint8Array;
  readonly privateBytes: Uint8Array;
}

/** ivFor is the GCM nonce: seqno (u64 LE) ‖ view (u32 LE) — unique per (view, seqno). */
export function ivFor(view: number, seqno: number): Uint8Array {
  assert(view < 2 ** 32, 'views fit in 32 bits for the IV');
  const iv = new Uint8Array(AES_GCM_IV_BYTES);
  const dv = new DataView(iv.buffer);
  dv.setBigUint64(0, BigInt(seqno), true);
  dv.setUint32(8, view, true);
  return iv;
}

/** setU64 writes a safe non-negative integer as u64 LE (the codec's convention). */
function setU64(dv: DataView, offset: number, value: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, 'u64 number is a safe non-negative int');
  dv.setUint32(offset, value % 2 ** 32, true);
  dv.setUint32(offset + 4, Math.floor(value / 2 ** 32), true);
}

/**
 * encodeLedgerEntry builds entry bytes, sealing `privateBytes` (if any) under the secret. Written
 * in place into one exactly-sized array (the hot path of every transaction).
 */
export function encodeLedgerEntry(input: LedgerEntryInput, secret: LedgerSecret): Uint8Array {
  const claims = input.claimsDigest ?? null;
  if (claims !== null) assert(claims.length === CLAIMS_BYTES, 'claims digest is 32 bytes');
  const publicBytes = input.publicBytes;
  const sealedBytes =
    input.privateBytes.length === 0 ? 0 : input.privateBytes.length + AES_GCM_TAG_BYTES;
  assert(publicBytes.length < 2 ** 32 && sealedBytes < 2 ** 32, 'domain lengths fit in u32');
  const headerBytes = LEDGER_ENTRY_HEADER_BYTES + (claims === null ? 0 : CLAIMS_BYTES);
  const out = new Uint8Array(headerBytes + publicBytes.length + sealedBytes);
  const dv = new DataView(out.buffer);
  out[0] = LEDGER_ENTRY_VERSION;
  out[1] = input.kind;
  out[2] = claims === null ? 0 : FLAG_CLAIMS;
  out[3] = 0;
  setU64(dv, 4, input.view);
  setU64(dv, 12, input.seqno);
  dv.setUint32(20, publicBytes.length, true);
  dv.setUint32(24, sealedBytes, true);
  if (claims !== null) out.set(claims, LEDGER_ENTRY_HEADER_BYTES);
  out.set(publicBytes, headerBytes);
  if (sealedBytes > 0) {
    const header = out.subarray(0, headerBytes);
    const sealed = aesGcmEncrypt(secret.encryptionKey, ivFor(input.view, input.seqno), input.privateBytes, header);
    assert(sealed.length === sealedBytes, 'sealed size');
    out.set(sealed, headerBytes + publicBytes.length);
  }
  return out;
}

/** LedgerEntryHeader is what LedgerState needs of an entry to hash it into the tree. */
export interface LedgerEntryHeader {
  readonly view: number;
  readonly seqno: number;
  readonly kind: number;
  readonly claimsDigest: Uint8Array | null;
}

/**
 * readLedgerEntryHeader reads an entry's header fields without decoding (or copying) its domains.
 * Only for entries this node built or already decoded once; use decodeLedgerEntry for input.
 */
export function readLedgerEntryHeader(bytes: Uint8Array): LedgerEntryHeader {
  if (bytes.length < LEDGER_ENTRY_HEADER_BYTES) throw new FormatError('ledger entry header truncated', 0);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasClaims = (bytes[2]! & FLAG_CLAIMS) !== 0;
  if (hasClaims && bytes.length < LEDGER_ENTRY_HEADER_BYTES + CLAIMS_BYTES) {
    throw new FormatError('ledger entry claims digest truncated', LEDGER_ENTRY_HEADER_BYTES);
  }
  return {
    view: dv.getUint32(4, true) + dv.getUint32(8, true) * 2 ** 32,
    seqno: dv.getUint32(12, true) + dv.getUint32(16, true) * 2 ** 32,
    kind: bytes[1]!,
    claimsDigest: hasClaims ? bytes.subarray(LEDGER_ENTRY_HEADER_BYTES, LEDGER_ENTRY_HEADER_BYTES + CLAIMS_BYTES) : null,
  };
}

/** decodeLedgerEntry parses entry bytes (no decryption); throws FormatError with the offset. */
export function decodeLedgerEntry(bytes: Uint8Array): LedgerEntry {
  if (bytes.length > ledgerEntryBytesMax) throw new FormatError('ledger entry too large', 0);
  const r = new ByteReader(bytes);
  const version = r.u8('version');
  if (version !== LEDGER_ENTRY_VERSION) throw new FormatError(`unknown entry version ${version}`, 0);
  const kind = r.u8('kind');
  if (kind > 2) throw new FormatError(`unknown entry kind ${kind}`, 1);
  const flags = r.u8('flags');
  if ((flags & ~FLAG_CLAIMS) !== 0) throw new FormatError('unknown entry flags', 2);
  if (r.u8('reserved') !== 0) throw new FormatError('reserved byte is not zero', 3);
  const view = r.u64('view');
  const seqno = r.u64('seqno');
  const publicLength = r.u32('public length');
  const sealedLength = r.u32('private length');
  if (sealedLength !== 0 && sealedLength < AES_GCM_TAG_BYTES) {
    throw new FormatError('private domain shorter than its tag', 24);
  }
  const claimsDigest = (flags & FLAG_CLAIMS) !== 0 ? r.raw(CLAIMS_BYTES, 'claims digest') : null;
  const header = bytes.subarray(0, r.offset);
  const publicBytes = r.raw(publicLength, 'public domain');
  const privateSealed = r.raw(sealedLength, 'private domain');
  r.expectEnd('ledger entry');
  return { view, seqno, kind: kind as EntryKindCode, claimsDigest, publicBytes, privateSealed, header };
}

/** openPrivate decrypts the private domain; throws CryptoFormatError when it was tampered with. */
export function openPrivate(entry: LedgerEntry, secret: LedgerSecret): Uint8Array {
  if (entry.privateSealed.length === 0) return new Uint8Array(0);
  return aesGcmDecrypt(
    secret.encryptionKey,
    ivFor(entry.view, entry.seqno),
    entry.privateSealed,
    entry.header,
  );
}
