// client-cert.ts: the TLS client certificate of a request, over HTTP/1.1 and HTTP/2 alike.
// The server asks for a certificate (`requestCert: true`) but does not verify it against a CA
// (`rejectUnauthorized: false`): user certificates are self-signed, as in CCF, and are
// authenticated by the `user_cert` policy against the users table instead.

/** PeerCertificateSource is the part of a request we read the certificate from. */
export interface PeerCertificateSource {
  readonly raw: { readonly socket: unknown };
}

interface PeerX509 {
  readonly raw: Uint8Array;
}

function hasPeerCertificate(
  socket: unknown,
): socket is { getPeerX509Certificate(): PeerX509 | undefined } {
  return (
    typeof socket === 'object' &&
    socket !== null &&
    typeof (socket as { getPeerX509Certificate?: unknown }).getPeerX509Certificate === 'function'
  );
}

/**
 * tlsClientCertificate returns the DER of the certificate the client presented, or null. For
 * HTTP/2, `raw.socket` is node's proxy of the session's TLS socket, which forwards this call.
 */
export function tlsClientCertificate(request: PeerCertificateSource): Uint8Array | null {
  const socket = request.raw.socket;
  if (!hasPeerCertificate(socket)) return null;
  // The peer certificate is fixed for the life of a TLS connection: parse it once per socket
  // (keep-alive clients send many requests on one connection).
  const cached = certificateBySocket.get(socket);
  if (cached !== undefined) return cached;
  const cert = socket.getPeerX509Certificate();
  const der = cert === undefined ? null : new Uint8Array(cert.raw);
  certificateBySocket.set(socket, der);
  return der;
}

const certificateBySocket = new WeakMap<object, Uint8Array | null>();
