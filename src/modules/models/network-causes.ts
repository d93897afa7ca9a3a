/**
 * Why a download's connection failed, in words: the system error code (`ENOTFOUND`, `ECONNREFUSED`,
 * a TLS certificate code …) mapped to what it means for a person at a server with no or limited
 * internet. A fixed vocabulary: the API may show these phrases, never an error's own text.
 */

const TLS_HANDSHAKE = ['the TLS handshake failed'] as const;

/** What each common network error code means: what happened, and what usually causes it. */
const CAUSES: Readonly<Record<string, readonly [string, string?]>> = {
  ENOTFOUND: ['the host name does not resolve', 'DNS lookup failed'],
  EAI_AGAIN: ['the host name could not be looked up', 'no DNS server answered'],
  EAI_FAIL: ['the host name could not be looked up', 'DNS lookup failed'],
  ECONNREFUSED: ['the connection was refused', 'nothing listens there, or a firewall rejects it'],
  ETIMEDOUT: ['no answer in time', 'a firewall may be dropping the connection'],
  ECONNRESET: ['the connection was reset'],
  ECONNABORTED: ['the connection was aborted'],
  EPIPE: ['the connection was closed'],
  ENETUNREACH: ['the network is unreachable', 'no route: is this machine offline?'],
  EHOSTUNREACH: ['the host is unreachable', 'no route to it'],
  EPROTO: TLS_HANDSHAKE,
};

/** Certificate codes from OpenSSL and Node (CERT_HAS_EXPIRED, SELF_SIGNED_CERT_IN_CHAIN, …). */
const CERTIFICATE_CODE = /CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const CERTIFICATE_CAUSE = [
  'its TLS certificate is not trusted',
  "behind an HTTPS-inspecting proxy, give Node the proxy's CA with NODE_EXTRA_CA_CERTS",
] as const;
const TLS_CODE = /^ERR_(SSL|TLS)_/;

/**
 * The system error code of a network failure: the error's own `code`, else its `cause.code` (fetch
 * and wrapped errors keep the real one there); undefined when neither has a string code.
 */
export function networkCauseCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What a network error code means, with the code: "the connection was refused (ECONNREFUSED: …)". */
export function describeNetworkCause(code: string | undefined): string {
  if (code === undefined) return 'a network error';
  const [what, why] = meaning(code);
  return `${what} (${code}${why ? `: ${why}` : ''})`;
}

function meaning(code: string): readonly [string, string?] {
  const known = CAUSES[code];
  if (known) return known;
  if (CERTIFICATE_CODE.test(code)) return CERTIFICATE_CAUSE;
  return TLS_CODE.test(code) ? TLS_HANDSHAKE : ['a network error'];
}
