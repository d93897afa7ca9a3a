import { describe, expect, it } from 'vitest';
import { describeNetworkCause, networkCauseCode } from './network-causes.js';

describe('network causes', () => {
  it('finds the system code on the error or on its cause, never in free text', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(networkCauseCode(refused)).toBe('ECONNREFUSED');
    expect(networkCauseCode(new TypeError('fetch failed', { cause: refused }))).toBe('ECONNREFUSED');
    expect(networkCauseCode(new Error('ENOTFOUND in the text only'))).toBeUndefined();
    expect(networkCauseCode({ code: 'not a code <script>' })).toBeUndefined();
  });

  it('says what DNS, refusal, timeout and TLS failures mean, with the code', () => {
    expect(describeNetworkCause('ENOTFOUND')).toBe(
      'the host name does not resolve (ENOTFOUND: DNS lookup failed)',
    );
    expect(describeNetworkCause('EAI_AGAIN')).toMatch(/no DNS server answered/);
    expect(describeNetworkCause('ETIMEDOUT')).toMatch(/^no answer in time/);
    expect(describeNetworkCause('SELF_SIGNED_CERT_IN_CHAIN')).toBe(
      "its TLS certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN: behind an HTTPS-inspecting proxy, give Node the proxy's CA with NODE_EXTRA_CA_CERTS)",
    );
    expect(describeNetworkCause('ERR_SSL_WRONG_VERSION_NUMBER')).toBe(
      'the TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER)',
    );
    expect(describeNetworkCause('EWHATEVER')).toBe('a network error (EWHATEVER)');
    expect(describeNetworkCause(undefined)).toBe('a network error');
  });
});
