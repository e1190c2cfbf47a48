// Turns Node's socket and TLS errors into messages a user can act on. The original error
// stays reachable as `cause`, its code as `code`.

const SOCKET: { [code: string]: string } = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS not reachable)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the broker',
  EPIPE: 'connection closed by the broker while writing',
  EADDRNOTAVAIL: 'address not available',
};

const UNKNOWN_CA = 'certificate signed by an unknown CA';
const TLS: { [code: string]: string } = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNKNOWN_CA,
  UNABLE_TO_GET_ISSUER_CERT: UNKNOWN_CA,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNKNOWN_CA,
  SELF_SIGNED_CERT_IN_CHAIN: UNKNOWN_CA,
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate (give its CA with the ca option)',
  CERT_SIGNATURE_FAILURE: 'certificate signature does not verify',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: '', // filled in with the host name below
};

export interface NetError extends Error { code?: string | undefined; cause?: unknown }

function wrap(msg: string, err: NetError): NetError {
  const wrapped: NetError = new Error(msg);
  wrapped.code = err.code;
  wrapped.cause = err;
  return wrapped;
}

/** `where` is "host:port"; `host` the name the certificate was checked against. */
export function describeNetError(err: NetError, where: string, host: string, tls: boolean, opened: boolean): NetError {
  const code = err.code || '';
  if (code in TLS) {
    return wrap(code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `TLS: host name ${host} does not match the certificate` : `TLS: ${TLS[code]}`, err);
  }
  const message = String(err.message || '');
  if (tls && /alert certificate required|alert handshake failure|peer did not return a certificate/i.test(message)) {
    return wrap(`TLS: the broker at ${where} requires a client certificate (give cert and key)`, err);
  }
  if (tls && /alert unknown ca|alert bad certificate/i.test(message)) {
    return wrap(`TLS: the broker at ${where} refused our client certificate`, err);
  }
  if (tls && /wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return wrap(`TLS: ${where} does not speak TLS (is it a plain mqtt:// port?)`, err);
  }
  if (code in SOCKET) return wrap(opened ? `connection to ${where}: ${SOCKET[code]}` : `cannot connect to ${where}: ${SOCKET[code]}`, err);
  return wrap(`${opened ? 'connection to' : 'cannot connect to'} ${where}: ${message || code || 'unknown error'}`, err);
}
