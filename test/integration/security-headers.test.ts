import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({ model: false, listen: true });
  admin = await t.adminToken();
});
afterAll(() => t.close());

/** Every kind of answer the server gives outside the web app's pages. */
const REQUESTS: Array<{
  name: string;
  method?: 'GET' | 'POST';
  url: string;
  auth?: boolean;
  payload?: string;
}> = [
  { name: 'health', url: '/health' },
  { name: 'OpenAPI document', url: '/openapi.json' },
  { name: 'Swagger UI page', url: '/docs/' },
  { name: 'Swagger UI redirect', url: '/docs' },
  { name: 'Swagger UI script', url: '/docs/static/swagger-ui-bundle.js' },
  { name: 'API JSON', url: '/api/v1/users', auth: true },
  { name: '401', url: '/api/v1/auth/me' },
  { name: '404', url: '/api/v1/no-such-route', auth: true },
  { name: '400 from validation', url: '/api/v1/users?skip=-1', auth: true },
  { name: '400 from the JSON parser', method: 'POST', url: '/api/v1/workspaces', auth: true, payload: '{' },
  { name: '400 for a URL that cannot be decoded', url: '/api/v1/users/%', auth: true },
];

describe('safe headers', () => {
  it.each(REQUESTS)('$name carries nosniff, DENY framing, no-referrer and a CSP', async (request) => {
    const response = await t.app.inject({
      method: request.method ?? 'GET',
      url: request.url,
      headers: {
        ...(request.auth && bearer(admin)),
        ...(request.payload !== undefined && { 'content-type': 'application/json' }),
      },
      ...(request.payload !== undefined && { payload: request.payload }),
    });
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
    });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('gives the API a CSP that loads nothing, and Swagger UI only its own files, with no inline code', async () => {
    const api = await t.app.inject({ url: '/health' });
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
    expect(api.headers['content-security-policy']).not.toContain('script-src');
    const docs = String((await t.app.inject({ url: '/docs/' })).headers['content-security-policy']);
    expect(docs).toContain("script-src 'self'");
    expect(docs).toContain("connect-src 'self'");
    expect(docs).not.toMatch(/unsafe-inline|unsafe-eval|https:|\*/);
  });

  it('sends no HSTS when TRUST_PROXY is off, even if a client claims X-Forwarded-Proto: https', async () => {
    const response = await t.app.inject({ url: '/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('HSTS behind a trusted proxy', () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await startTestApp({ model: false, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => proxied.close());

  it('is sent when the proxy forwarded HTTPS, on API answers, errors and docs alike', async () => {
    for (const url of ['/health', '/api/v1/auth/me', '/docs/', '/api/v1/nope']) {
      const response = await proxied.app.inject({ url, headers: { 'x-forwarded-proto': 'https' } });
      expect([url, response.headers['strict-transport-security']]).toEqual([url, 'max-age=31536000']);
    }
  });

  it('is not sent when the proxy forwarded plain HTTP', async () => {
    const response = await proxied.app.inject({ url: '/health', headers: { 'x-forwarded-proto': 'http' } });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('answers the HTTP parser refuses', () => {
  /** Sends raw bytes to the listening server and returns the whole answer. */
  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(t.url);
      const socket = connect(Number(port), hostname, () => socket.end(request));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });

  it.each([
    [
      '431, headers too large',
      `GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    ['400, not HTTP', 'NOT HTTP AT ALL\r\n\r\n', 400, 'BAD_REQUEST'],
  ])('%s: safe headers and our error shape', async (_name, request, status, code) => {
    const answer = await raw(request);
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
    expect(head).toMatch(/\r\nX-Frame-Options: DENY\r\n/i);
    expect(head).toMatch(/\r\nReferrer-Policy: no-referrer\r\n/i);
    expect(head).toMatch(/\r\nContent-Security-Policy: [^\r]*frame-ancestors 'none'/i);
    expect(JSON.parse(body)).toEqual({ error: { code, message: expect.any(String) } });
  });
});
