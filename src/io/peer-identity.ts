// peer-identity.ts: who is at the other end of a TLS connection. A peer is accepted only when its
// certificate is directly endorsed (signed) by the service certificate's key; its node id is the
// hex SHA-256 of the certificate's public key DER (DESIGN §6).
import { Certificate } from '../crypto/certificate.js';
import { nodeIdOf } from '../crypto/ids.js';

/** PeerCheck is the outcome of checking a peer certificate. */
export type PeerCheck =
  | { readonly ok: true; readonly nodeId: string }
  | { readonly ok: false; readonly reason: string };

/**
 * checkPeerCertificate checks that `der` parses as a P-256 certificate signed by `service`'s key
 * and returns the peer's node id. Never throws. (OpenSSL has already checked the chain and the
 * validity dates against the same service certificate; this check additionally requires a
 * DIRECT endorsement, so nothing the service key might have signed as an intermediate counts.)
 */
export function checkPeerCertificate(der: Uint8Array | undefined, service: Certificate): PeerCheck {
  if (der === undefined || der.length === 0) return { ok: false, reason: 'no peer certificate' };
  let cert: Certificate;
  try {
    cert = Certificate.fromDer(der);
  } catch (error) {
    return { ok: false, reason: `peer certificate unusable: ${String(error)}` };
  }
  if (!cert.isSignedBy(service.publicKey)) {
    return { ok: false, reason: 'peer certificate is not endorsed by the service' };
  }
  return { ok: true, nodeId: nodeIdOf(cert.publicKey) };
}
