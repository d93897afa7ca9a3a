import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ model: false });
});
afterAll(() => t.close());

const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
// Tests that fail logins do it from an address of their own: failures slow their source down, and
// the other tests sign in from the default 127.0.0.1.
const loginResponse = (payload: Record<string, string>, remoteAddress?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload,
    ...(remoteAddress && { remoteAddress }),
  });

describe('login', () => {
  it('accepts email or username and returns tokens and the user', async () => {
    const byEmail = await loginResponse({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(byEmail.statusCode).toBe(200);
    const body = byEmail.json();
    expect(body.token_type).toBe('Bearer');
    expect(body.user).toMatchObject({ email: ADMIN_EMAIL, role: 'admin' });
    expect(body.user.password_hash).toBeUndefined();
    const byUsername = await loginResponse({ username: 'admin', password: ADMIN_PASSWORD });
    expect(byUsername.statusCode).toBe(200);
    expect((await me(byUsername.json().access_token)).json().email).toBe(ADMIN_EMAIL);
  });

  it('answers the seed quick-demo alias /api/auth/login', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
  });

  it('rejects a wrong password with 401 and a missing field with 400 naming it', async () => {
    const wrong = await loginResponse({ email: ADMIN_EMAIL, password: 'nope' }, '192.0.2.1');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('UNAUTHORIZED');
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN_EMAIL },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'password' } });
    expect(missing.json().error.message).toContain('password');
  });

  it('rate-limits failed logins per account with 429 and Retry-After', async () => {
    const user = await t.createUser();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push(
        (await loginResponse({ email: user.email, password: 'wrong password' }, '192.0.2.2')).statusCode,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const blocked = await loginResponse({ email: user.email, password: 'user password 123' }, '192.0.2.2');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().error.code).toBe('RATE_LIMITED');
  });
});

describe('login limits under pressure', () => {
  it('cannot be bypassed with parallel attempts', async () => {
    const user = await t.createUser();
    const attempts = await Promise.all(
      Array.from({ length: 10 }, () =>
        loginResponse({ email: user.email, password: 'wrong guess' }, '192.0.2.3'),
      ),
    );
    const statuses = attempts.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
  });

  it('limits failed attempts per address across accounts, and successes do not count', async () => {
    const strict = await startTestApp({ model: false, env: { LOGIN_ATTEMPTS_PER_IP: '3' } });
    try {
      const login = (email: string, password: string) =>
        strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
      for (let round = 0; round < 5; round++)
        expect((await login(ADMIN_EMAIL, ADMIN_PASSWORD)).statusCode).toBe(200);
      for (const email of ['a@x.test', 'b@x.test', 'c@x.test'])
        expect((await login(email, 'nope')).statusCode).toBe(401);
      const blocked = await login('d@x.test', 'nope');
      expect(blocked.statusCode).toBe(429);
      expect((await login(ADMIN_EMAIL, ADMIN_PASSWORD)).statusCode).toBe(429);
    } finally {
      await strict.close();
    }
  });
});

describe('tokens', () => {
  it('rotates refresh tokens, and a reused refresh token ends the session', async () => {
    const first = (await loginResponse({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).json();
    const refresh = (token: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: token } });
    const second = await refresh(first.refresh_token);
    expect(second.statusCode).toBe(200);
    expect(second.json().refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.json().access_token)).statusCode).toBe(200);

    const replay = await refresh(first.refresh_token);
    expect(replay.statusCode).toBe(401);
    // Reuse means theft: the whole session is gone, including the newest tokens.
    expect((await me(second.json().access_token)).statusCode).toBe(401);
    expect((await refresh(second.json().refresh_token)).statusCode).toBe(401);
  });

  it('logout revokes the access token at once', async () => {
    const token = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await me(token)).statusCode).toBe(200);
    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) });
    expect(logout.statusCode).toBe(204);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('rejects forged, alg:none, expired, wrong-audience and refresh-as-access tokens with 401', async () => {
    const login = (await loginResponse({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).json();
    const [header, payload] = login.access_token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const secret = new TextEncoder().encode(readFileSync(path.join(t.dataDir, 'jwt-secret'), 'utf8').trim());
    const sign = (extra: Record<string, unknown>, key = secret) =>
      new SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin', sub: 'someone-else' })).toString('base64url')}.${login.access_token.split('.')[2]}`;

    const forged = {
      'wrong key': await sign({}, new TextEncoder().encode('x'.repeat(48))),
      'alg none': none,
      tampered,
      expired: await sign({ exp: Math.floor(Date.now() / 1000) - 10 }),
      'wrong audience': await sign({ aud: 'another-service' }),
      'not an access token': await sign({ type: 'refresh' }),
      'refresh token as access': login.refresh_token,
      garbage: 'not-a-token',
    };
    for (const [name, token] of Object.entries(forged)) {
      const response = await me(token);
      expect({ name, status: response.statusCode }).toEqual({ name, status: 401 });
      expect(response.json().error.code).toBe('UNAUTHORIZED');
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('keeps the generated JWT secret in a 0600 file', () => {
    expect(statSync(path.join(t.dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });
});

describe('password change', () => {
  it('ends every other session, keeps the current one with fresh tokens', async () => {
    const user = await t.createUser();
    const other = await t.login(user.email, 'user password 123');
    const change = await t.call('POST', '/api/v1/auth/password', user.token, {
      current_password: 'user password 123',
      new_password: 'a new long password',
    });
    expect(change.status).toBe(200);
    expect((await me(other)).statusCode).toBe(401);
    // The device that changed the password stays signed in (issue #9, item 11).
    expect((await me(user.token)).statusCode).toBe(200);
    expect((await me(change.body.access_token)).statusCode).toBe(200);
    expect((await loginResponse({ email: user.email, password: 'a new long password' })).statusCode).toBe(
      200,
    );
  });

  it('rejects a wrong current password and a short new one, naming the field', async () => {
    const user = await t.createUser();
    const wrong = await t.call('POST', '/api/v1/auth/password', user.token, {
      current_password: 'wrong',
      new_password: 'a new long password',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.field).toBe('current_password');
    const short = await t.call('POST', '/api/v1/auth/password', user.token, {
      current_password: 'user password 123',
      new_password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details.field).toBe('new_password');
  });
});

describe('API keys', () => {
  it('are shown once, authenticate, and stop working when revoked', async () => {
    const user = await t.createUser();
    const created = await t.call('POST', '/api/v1/auth/api-keys', user.token, { name: 'ci' });
    expect(created.status).toBe(201);
    const { key, id } = created.body;
    expect(key).toMatch(/^psk_/);
    expect((await me(key)).json().email).toBe(user.email);
    const viaHeader = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { 'x-api-key': key },
    });
    expect(viaHeader.statusCode).toBe(200);

    const list = await t.call('GET', '/api/v1/auth/api-keys', user.token);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.api_keys[0]).toMatchObject({ id, name: 'ci', revoked: false });

    const stranger = await t.createUser();
    const foreign = await t.call('DELETE', `/api/v1/auth/api-keys/${id}`, stranger.token);
    expect(foreign.status).toBe(404);
    expect((await me(key)).statusCode).toBe(200);

    const revoke = await t.call('DELETE', `/api/v1/auth/api-keys/${id}`, user.token);
    expect(revoke.status).toBe(204);
    expect((await me(key)).statusCode).toBe(401);
  });

  it("cannot create further keys, so revoking a leaked key ends its holder's access", async () => {
    const user = await t.createUser();
    const { key, id } = (await t.call('POST', '/api/v1/auth/api-keys', user.token, { name: 'leaked' })).body;
    const minted = await t.call('POST', '/api/v1/auth/api-keys', key, { name: 'child' });
    expect(minted.status).toBe(403);
    expect(minted.body.error.code).toBe('FORBIDDEN');
    const keys = (await t.call('GET', '/api/v1/auth/api-keys', user.token)).body.api_keys;
    expect(keys.map((entry: { id: string }) => entry.id)).toEqual([id]);
    expect((await t.call('DELETE', `/api/v1/auth/api-keys/${id}`, user.token)).status).toBe(204);
    expect((await me(key)).statusCode).toBe(401);
  });

  it('expire at their expiry time', async () => {
    const user = await t.createUser();
    const soon = new Date(Date.now() + 1500).toISOString();
    const { key } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/api-keys',
        headers: bearer(user.token),
        payload: { name: 'short', expires_at: soon },
      })
    ).json();
    expect((await me(key)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await me(key)).statusCode).toBe(401);
  });
});

describe('disabled users', () => {
  it('lose access by token and API key at once, and cannot log in', async () => {
    const user = await t.createUser();
    const { key } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/api-keys',
        headers: bearer(user.token),
        payload: { name: 'k' },
      })
    ).json();
    const disable = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      headers: bearer(await t.adminToken()),
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    expect(disable.json().disabled).toBe(true);
    expect((await me(user.token)).statusCode).toBe(401);
    expect((await me(key)).statusCode).toBe(401);
    expect((await loginResponse({ email: user.email, password: 'user password 123' })).statusCode).toBe(401);
  });
});

describe('registration', () => {
  it('is off by default', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'new@example.test', password: 'long enough pw' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('request limits', () => {
  it('answers 413 for an oversized body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a', password: 'x'.repeat(2_000_000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 400 for malformed JSON and 404 JSON for unknown routes', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('VALIDATION_ERROR');
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
  });
});
