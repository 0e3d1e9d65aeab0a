// LedgerSecret: the service's symmetric secret (DESIGN §5, §6). Two keys are derived from it with
// HKDF-SHA256 so that no key serves two purposes: the AES-256-GCM key for private domains and the
// HMAC-SHA256 key that derives commit-evidence nonces.
import { assert } from '../ds/assert.js';
import { bytesToHex, utf8 } from '../crypto/encoding.js';
import { AES_256_KEY_BYTES, hkdfSha256, hmacSha256 } from '../crypto/symmetric.js';

export const LEDGER_SECRET_BYTES = 32;

/** LedgerSecret holds the keys derived from one ledger secret. */
export class LedgerSecret {
  readonly encryptionKey: Uint8Array;
  private readonly nonceKey: Uint8Array;

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
    const txId = `${view}.${seqno}`;
    return `ce:${txId}:${bytesToHex(hmacSha256(this.nonceKey, utf8(txId)))}`;
  }
}
