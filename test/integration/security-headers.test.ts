import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({ model: false });
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
