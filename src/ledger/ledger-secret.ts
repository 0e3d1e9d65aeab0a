// LedgerSecret: the service's symmetric secret (DESIGN §5, §6). Two keys are derived from it with
// HKDF-SHA256 so that no key serves two purposes: the AES-256-GCM key for private domains and the
// HMAC-SHA256 key that derives commit-evidence nonces.
import { assert } from '../ds/assert.js';
import { bytesToLatin1 } from '../codec/latin1.js';
import { hexIntoAscii } from '../crypto/encoding.js';
import { sha256Into } from '../crypto/sha256.js';
import { AES_256_KEY_BYTES, hkdfSha256, hmacSha256 } from '../crypto/symmetric.js';

export const LEDGER_SECRET_BYTES = 32;
/** COMMIT_EVIDENCE_BYTES_MAX bounds `ce:<view>.<seqno>:<64 hex>` (safe integers: 16 digits each). */
export const COMMIT_EVIDENCE_BYTES_MAX = 3 + 16 + 1 + 16 + 1 + 64;

/** writeDecimal writes the ASCII digits of a safe non-negative integer; returns the end offset. */
function writeDecimal(value: number, target: Uint8Array, offset: number): number {
  assert(Number.isSafeInteger(value) && value >= 0, 'a tx id part is a safe non-negative integer');
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
  let v = value;
  for (let i = offset + digits - 1; i >= offset; i--) {
    target[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return offset + digits;
}

/** LedgerSecret holds the keys derived from one ledger secret. */
export class LedgerSecret {
  readonly encryptionKey: Uint8Array;
  private readonly nonceKey: Uint8Array;
  /** Commit evidence is built here (the class is used synchronously, one call at a time). */
  private readonly scratch = new Uint8Array(COMMIT_EVIDENCE_BYTES_MAX);

  constructor(secret: Uint8Array) {
    assert(secret.length === LEDGER_SECRET_BYTES, 'a ledger secret is 32 bytes');
    this.encryptionKey = hkdfSha256(secret, 'consort ledger private domain v1', AES_256_KEY_BYTES);
    this.nonceKey = hkdfSha256(secret, 'consort commit evidence v1', 32);
  }

  /**
   * commitEvidence returns `ce:<view>.<seqno>:<hex nonce>` for a transaction; the nonce is
   * HMAC-SHA256(nonceKey, "<view>.<seqno>"), so it is unpredictable without the secret and is
   * revealed only once the transaction is committed (pitfall 7).
   */
  commitEvidence(view: number, seqno: number): string {
    const length = this.commitEvidenceInto(view, seqno, this.scratch);
    return bytesToLatin1(this.scratch, 0, length);
  }

  /**
   * commitEvidenceInto writes commitEvidence(view, seqno) as ASCII into `target` (at least
   * COMMIT_EVIDENCE_BYTES_MAX long) and returns its length: no string is built.
   */
  commitEvidenceInto(view: number, seqno: number, target: Uint8Array): number {
    target[0] = 99; // c
    target[1] = 101; // e
    target[2] = 58; // :
    let at = writeDecimal(view, target, 3);
    target[at++] = 46; // .
    at = writeDecimal(seqno, target, at);
    // The HMAC input is the "<view>.<seqno>" just written.
    const nonce = hmacSha256(this.nonceKey, target.subarray(3, at));
    target[at++] = 58; // :
    return hexIntoAscii(nonce, target, at);
  }

  /**
   * leafPreimageInto writes the Merkle leaf preimage of an entry, SHA-256(entry) ‖
   * SHA-256(commit evidence) ‖ claimsDigest, into `target[0, 96)` (no intermediate arrays).
   */
  leafPreimageInto(entryBytes: Uint8Array, view: number, seqno: number, claimsDigest: Uint8Array, target: Uint8Array): void {
    sha256Into(entryBytes, target, 0);
    const length = this.commitEvidenceInto(view, seqno, this.scratch);
    sha256Into(this.scratch.subarray(0, length), target, 32);
    target.set(claimsDigest, 64);
  }
}
