// users.ts: the users table, `public:ccf.gov.users.certs` (DESIGN §7): key = user id (lowercase hex
// SHA-256 of the certificate DER, as UTF-8), value = the certificate PEM (as UTF-8). Genesis and
// tests add users with these helpers; governance (set_user/remove_user) writes the same map.
import { Certificate } from '../crypto/certificate.js';
import { certificateId } from '../crypto/ids.js';
import { bytesToHex } from '../crypto/encoding.js';
import { sha256 } from '../crypto/sha256.js';
import type { StateSource } from '../kv/state.js';
import type { Tx } from '../kv/tx.js';
import { stringToBytes } from '../kv/values.js';

/** usersCertsMap is CCF's users table name. */
export const usersCertsMap = 'public:ccf.gov.users.certs';

/** userIdOfCertDer is the user id of a certificate: lowercase hex SHA-256 of its DER. */
export function userIdOfCertDer(der: Uint8Array): string {
  // Memoised per DER object: client-cert.ts hands out one object per TLS connection.
  let id = idByDer.get(der);
  if (id === undefined) {
    id = bytesToHex(sha256(der));
    idByDer.set(der, id);
  }
  return id;
}

const idByDer = new WeakMap<Uint8Array, string>();

/**
 * addUserCert records the user whose certificate is `certPem` and returns its id. Throws
 * CryptoFormatError when the PEM does not parse as a P-256 certificate.
 */
export function addUserCert(tx: Tx, certPem: string): string {
  const cert = Certificate.fromPem(certPem);
  const userId = certificateId(cert);
  tx.map(usersCertsMap).set(stringToBytes(userId), stringToBytes(cert.pem));
  return userId;
}

/** removeUser deletes user `userId` (a no-op write if absent). */
export function removeUser(tx: Tx, userId: string): void {
  tx.map(usersCertsMap).delete(stringToBytes(userId));
}

/** isUser tells whether `userId` is in the users table as `tx` sees it. */
export function isUser(tx: Tx, userId: string): boolean {
  return tx.map(usersCertsMap).has(stringToBytes(userId));
}

/**
 * isUserInState tells whether `userId` is in the users table of `state` (the store's latest state),
 * without a transaction: the per-request authentication check. `userId` must be an id as
 * userIdOfCertDer returns it (lowercase hex, so its latin1 key form is the string itself); the
 * answer is the same as `isUser(store.begin(), userId)`.
 */
export function isUserInState(state: StateSource, userId: string): boolean {
  return state.getMap(usersCertsMap)?.entries.get(userId) !== undefined;
}
