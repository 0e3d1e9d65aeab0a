// Identity ids (DESIGN §6): lowercase hex SHA-256 of a DER encoding.
import type { Certificate } from './certificate.js';
import type { PublicKey } from './ecdsa.js';
import { bytesToHex } from './encoding.js';
import { sha256 } from './sha256.js';

/** certificateId is a member/user id: hex SHA-256 of the certificate DER. */
export function certificateId(cert: Certificate): string {
  return bytesToHex(sha256(cert.der));
}

/** nodeIdOf is a node id: hex SHA-256 of the node's public key (SubjectPublicKeyInfo DER). */
export function nodeIdOf(publicKey: PublicKey): string {
  return bytesToHex(sha256(publicKey.toDer()));
}
