import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/test-app.js';

// A stand-in build of the web app, so these tests do not depend on `vite build` having run.
const webRoot = mkdtempSync(path.join(tmpdir(), 'ps-web-'));
mkdirSync(path.join(webRoot, 'assets'));
writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(path.join(webRoot, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(path.join(webRoot, 'manifest.webmanifest'), '{}');

let t: TestApp;
let unbuilt: TestApp;
beforeAll(async () => {
  process.env.E2E_WEB_ROOT = webRoot;
  t = await startTestApp({ model: false });
  process.env.E2E_WEB_ROOT = path.join(webRoot, 'missing');
  unbuilt = await startTestApp({ model: false });
  delete process.env.E2E_WEB_ROOT;
});
afterAll(async () => {
  await t.close();
  await unbuilt.close();
});

const cookieTransport = { 'x-token-transport': 'cookie' };
const setCookies = (headers: Record<string, unknown>) => {
  const value = headers['set-cookie'];
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
};

describe('the web app', () => {
  it('is served at / and at every app path, with a strict CSP; server paths are not swallowed', async () => {
    for (const url of ['/', '/chat', '/chat/123', '/admin/users', '/settings']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<div id="root">');
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
    const asset = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    // A missing asset or file is a 404, never the app page (a service worker would cache that).
    for (const url of ['/assets/index-gone.js', '/icons/missing.png', '/favicon.ico']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json().status).toBeDefined();
  });

  it('says how to build it when it has not been built', async () => {
    const response = await unbuilt.app.inject({ method: 'GET', url: '/chat' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
    expect((await unbuilt.app.inject({ method: 'GET', url: '/api/v1/nope' })).statusCode).toBe(404);
  });
});

/** POST /auth/refresh with the given refresh cookie, with or without the transport header. */
const refreshWithCookie = (token: string, withHeader = true) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    ...(withHeader && { headers: cookieTransport }),
    cookies: { ps_refresh: token },
    payload: {},
  });
/** The value of the refresh cookie a response set. */
const refreshCookieOf = (headers: Record<string, unknown>) =>
  setCookies(headers)
    .find((cookie) => cookie.startsWith('ps_refresh='))!
    .split(';')[0]!
    .slice('ps_refresh='.length);

describe('refresh token in an httpOnly cookie', () => {
  it('login puts it in the cookie (not the body); refresh and logout use the cookie', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: cookieTransport,
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().refresh_token).toBeUndefined();
    expect(login.json().access_token).toBeTruthy();
    const cookies = setCookies(login.headers);
    const refresh = cookies.find((cookie) => cookie.startsWith('ps_refresh='))!;
    expect(refresh).toMatch(/HttpOnly/i);
    expect(refresh).toMatch(/SameSite=Strict/i);
    expect(refresh).toMatch(/Path=\/api\/v1\/auth/);
    const flag = cookies.find((cookie) => cookie.startsWith('ps_session='))!;
    expect(flag).not.toMatch(/HttpOnly/i);
    const token = refresh.split(';')[0]!.slice('ps_refresh='.length);

    // Without the transport header (as a cross-site form would send it) the cookie is not accepted.
    const forged = await refreshWithCookie(token, false);
    expect(forged.statusCode).toBe(401);

    const refreshed = await refreshWithCookie(token);
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().refresh_token).toBeUndefined();
    const rotated = refreshCookieOf(refreshed.headers);
    expect(rotated).not.toBe(token);

    // Reusing the old cookie ends the session (rotation theft detection) and clears the cookie.
    const reused = await refreshWithCookie(token);
    expect(reused.statusCode).toBe(401);
    expect(setCookies(reused.headers).some((cookie) => /^ps_refresh=;/.test(cookie))).toBe(true);
  });

  it('logout clears both cookies; API clients still get the refresh token in the body', async () => {
    const plain = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(plain.json().refresh_token).toBeTruthy();
    expect(setCookies(plain.headers)).toEqual([]);

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: cookieTransport,
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const token = refreshCookieOf(login.headers);
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...cookieTransport, authorization: `Bearer ${login.json().access_token}` },
      cookies: { ps_refresh: token, ps_session: '1' },
    });
    expect(logout.statusCode).toBe(204);
    const cleared = setCookies(logout.headers);
    expect(cleared.some((cookie) => /^ps_refresh=;/.test(cookie))).toBe(true);
    expect(cleared.some((cookie) => /^ps_session=;/.test(cookie))).toBe(true);
    const after = await refreshWithCookie(token);
    expect(after.statusCode).toBe(401);
  });
});
