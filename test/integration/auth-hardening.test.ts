// Issue #9, items 8 and 11: login limits per account and source with device cookies and back-off,
// access tokens issued in the future, refresh-token reuse, password change, and what /health shows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const PASSWORD = 'user password 123';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ model: false, env: { METRICS_TOKEN: 'metrics-secret-for-tests-0123456789' } });
});
afterAll(() => t.close());

/** POST /auth/login from `ip`, with the given cookies. */
const login = (
  app: TestApp,
  ip: string,
  body: Record<string, string>,
  cookies: Record<string, string> = {},
) => app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, remoteAddress: ip, cookies });

/** A login as the web app makes it (cookie transport): the only kind that gets a device cookie. */
const webLogin = (app: TestApp, ip: string, body: Record<string, string>) =>
  app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: body,
    remoteAddress: ip,
    headers: { 'x-token-transport': 'cookie' },
  });

/** The device cookie a successful login set, as a cookies object to send back. */
function deviceCookie(response: LightMyRequestResponse): Record<string, string> {
  const cookie = response.cookies.find((candidate) => candidate.name.startsWith('ps_device_'));
  if (!cookie) throw new Error('no device cookie was set');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth/login' });
  return { [cookie.name]: cookie.value };
}

const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
const usernameOf = async (token: string) => (await me(token)).json<{ username: string }>().username;

describe('login limits: per account and source, device cookies (ASVS 5.0 V6)', () => {
  it("a stranger's 20 wrong passwords cannot lock the real user's known device out", async () => {
    const user = await t.createUser();
    const username = await usernameOf(user.token);
    const home = '198.51.100.10';
    const stranger = '203.0.113.66';
    const device = deviceCookie(await webLogin(t, home, { email: user.email, password: PASSWORD }));

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const name: Record<string, string> = attempt % 2 === 0 ? { username } : { email: user.email };
      const response = await login(t, stranger, { ...name, password: `guess ${attempt}` });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    // E-mail and username share one budget of 5 (keyed by login string it was 5 + 5).
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);

    const right = { email: user.email, password: PASSWORD };
    expect((await login(t, home, right, device)).statusCode).toBe(200);
    // The known device signs in even from the stranger's network…
    expect((await login(t, stranger, { username, password: PASSWORD }, device)).statusCode).toBe(200);
    // …but without it the account is closed to untrusted clients, there and anywhere else.
    expect((await login(t, stranger, right)).statusCode).toBe(429);
    expect((await login(t, '198.51.100.77', right)).statusCode).toBe(429);
    // A forged cookie, or another account's genuine one, is no device of this account.
    const [[name, value]] = Object.entries(device) as [[string, string]];
    const parts = value.split('.');
    parts[2] = `${parts[2]!.startsWith('A') ? 'B' : 'A'}${parts[2]!.slice(1)}`;
    const forged = { [name]: parts.join('.') };
    expect((await login(t, home, right, forged)).statusCode).toBe(429);
    const other = await t.createUser();
    const otherDevice = deviceCookie(
      await webLogin(t, '198.51.100.11', { email: other.email, password: PASSWORD }),
    );
    const renamed = { [name]: Object.values(otherDevice)[0]! };
    expect((await login(t, home, right, renamed)).statusCode).toBe(429);
  });

  it('a device cookie has a failure budget of its own', async () => {
    const user = await t.createUser();
    const ip = '198.51.100.20';
    const device = deviceCookie(await webLogin(t, ip, { email: user.email, password: PASSWORD }));
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await login(t, ip, { email: user.email, password: 'typo' }, device)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await login(t, ip, { email: user.email, password: PASSWORD }, device)).statusCode).toBe(429);
    // Those were the device's own failures: the account is still open to a fresh client.
    expect((await login(t, '198.51.100.21', { email: user.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('limits an unknown login exactly like an account, so the answers do not reveal which exists', async () => {
    const user = await t.createUser();
    const run = async (ip: string, email: string) => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 7; attempt++) {
        statuses.push((await login(t, ip, { email, password: 'wrong password' })).statusCode);
      }
      return statuses;
    };
    const known = await run('198.51.100.30', user.email);
    const unknown = await run('198.51.100.31', 'nobody-here@example.test');
    expect(known).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(unknown).toEqual(known);
  });

  it('checks unknown logins against a decoy hash: not faster than a wrong password for a real one', async () => {
    const user = await t.createUser();
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const time = async (ip: string, email: string) => {
      const started = performance.now();
      expect((await login(t, ip, { email, password: 'wrong password' })).statusCode).toBe(401);
      return performance.now() - started;
    };
    await time('198.51.100.40', 'warm-up@example.test');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 4; round++) {
      known.push(await time(`198.51.100.${41 + round}`, user.email));
      unknown.push(await time(`198.51.100.${51 + round}`, `ghost${round}@example.test`));
    }
    // An argon2id verification takes tens of milliseconds; an answer without one takes about one.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });
});

describe('login back-off per source', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({
      model: false,
      env: { LOGIN_BACKOFF_AFTER: '2', LOGIN_BACKOFF_BASE_SECONDS: '1', LOGIN_BACKOFF_MAX_SECONDS: '8' },
    });
  });
  afterAll(() => strict.close());
  afterEach(() => vi.useRealTimers());

  it('makes a source that keeps failing wait longer each time; a known device is not held up', async () => {
    const source = '203.0.113.80';
    const user = await strict.createUser();
    const device = deviceCookie(
      await webLogin(strict, '198.51.100.90', { email: user.email, password: PASSWORD }),
    );
    // Only Date is faked (the server's clock and the limiter's), so the waits pass without sleeping.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    let guess = 0;
    const fail = () => login(strict, source, { email: `nobody${++guess}@example.test`, password: 'x' });

    expect([(await fail()).statusCode, (await fail()).statusCode]).toEqual([401, 401]);
    const waits: number[] = [];
    for (let round = 0; round < 5; round++) {
      expect((await fail()).statusCode).toBe(401);
      const refused = await fail();
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      const wait = Number(refused.headers['retry-after']);
      waits.push(wait);
      // While the wait runs even the right password is refused to an untrusted client there…
      expect((await login(strict, source, { email: user.email, password: PASSWORD })).statusCode).toBe(429);
      vi.setSystemTime(Date.now() + wait * 1000);
    }
    expect(waits).toEqual([1, 2, 4, 8, 8]);
    expect((await login(strict, source, { email: user.email, password: PASSWORD }, device)).statusCode).toBe(
      200,
    );
  });

  it('counts an IPv6 source per /64, so rotating addresses inside it does not reset the wait', async () => {
    let guess = 0;
    const fail = (host: number) =>
      login(strict, `2001:db8:5:6::${host.toString(16)}`, {
        email: `v6-${++guess}@example.test`,
        password: 'x',
      });
    const statuses: number[] = [];
    for (let host = 1; host <= 4; host++) statuses.push((await fail(host)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(
      (await login(strict, '2001:db8:5:7::1', { email: 'v6-other@example.test', password: 'x' })).statusCode,
    ).toBe(401);
  });
});

describe('tokens', () => {
  const secret = () =>
    new TextEncoder().encode(readFileSync(path.join(t.dataDir, 'jwt-secret'), 'utf8').trim());

  it('refuses an access token issued more than 60 s in the future, allows 30 s of clock skew', async () => {
    const user = await t.createUser();
    const claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as {
      iat: number;
    };
    const issuedIn = (seconds: number) => {
      const iat = Math.floor(Date.now() / 1000) + seconds;
      return new SignJWT({ ...claims, iat, exp: iat + 900 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secret());
    };
    expect((await me(await issuedIn(30))).statusCode).toBe(200);
    const future = await me(await issuedIn(61));
    expect(future.statusCode).toBe(401);
    expect(future.json().error.code).toBe('UNAUTHORIZED');
    expect((await me(await issuedIn(3600))).statusCode).toBe(401);
  });

  it('reuse of any earlier refresh token of a session ends it, not only the last one', async () => {
    const refresh = (token: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: token } });
    const user = await t.createUser();
    const a = (await login(t, '198.51.100.60', { email: user.email, password: PASSWORD })).json();
    const b = (await refresh(a.refresh_token)).json();
    const c = (await refresh(b.refresh_token)).json();
    expect((await me(c.access_token)).statusCode).toBe(200);

    const replay = await refresh(a.refresh_token); // two rotations old
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toMatch(/already used/);
    expect((await refresh(c.refresh_token)).statusCode).toBe(401);
    expect((await me(c.access_token)).statusCode).toBe(401);
  });
});

describe('password change', () => {
  const change = (token: string, body: Record<string, unknown>) =>
    t.call('POST', '/api/v1/auth/password', token, { current_password: PASSWORD, ...body });
  const createKey = async (token: string) =>
    (await t.call('POST', '/api/v1/auth/api-keys', token, { name: 'ci' })).body.key as string;

  it('ends every other session (and its refresh token) but keeps the current one and the API keys', async () => {
    const user = await t.createUser();
    const other = (await login(t, '198.51.100.70', { email: user.email, password: PASSWORD })).json();
    const key = await createKey(user.token);
    const changed = await change(user.token, { new_password: 'another long password' });
    expect(changed.status).toBe(200);
    expect((await me(user.token)).statusCode).toBe(200);
    expect((await me(changed.body.access_token)).statusCode).toBe(200);
    expect((await me(other.access_token)).statusCode).toBe(401);
    const otherRefresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: other.refresh_token },
    });
    expect(otherRefresh.statusCode).toBe(401);
    expect((await me(key)).statusCode).toBe(200);
  });

  it('revokes the API keys too when asked with revoke_api_keys: true', async () => {
    const user = await t.createUser();
    const key = await createKey(user.token);
    const changed = await change(user.token, {
      new_password: 'another long password',
      revoke_api_keys: true,
    });
    expect(changed.status).toBe(200);
    expect((await me(key)).statusCode).toBe(401);
    const keys = await t.call('GET', '/api/v1/auth/api-keys', changed.body.access_token);
    expect(keys.body.api_keys.map((row: { revoked: boolean }) => row.revoked)).toEqual([true]);
    expect((await me(user.token)).statusCode).toBe(200);
    expect((await change(user.token, { revoke_api_keys: 'yes', new_password: 'x'.repeat(12) })).status).toBe(
      400,
    );
  });
});

describe('/health exposure', () => {
  const health = (headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/health', headers });
  const DETAILS = ['database', 'memory', 'model', 'status', 'uptime_seconds', 'version'];

  it('tells anonymous callers and non-admins the status only', async () => {
    const anonymous = await health();
    expect(anonymous.statusCode).toBe(200);
    expect(Object.keys(anonymous.json())).toEqual(['status']);
    expect(anonymous.json().status).toMatch(/^(ok|degraded)$/);
    const user = await t.createUser();
    expect(Object.keys((await health(bearer(user.token))).json())).toEqual(['status']);
  });

  it('gives admins and the METRICS_TOKEN bearer the full report; a wrong token is 401', async () => {
    const admin = await health(bearer(await t.login(ADMIN_EMAIL, ADMIN_PASSWORD)));
    expect(Object.keys(admin.json()).sort()).toEqual(DETAILS);
    expect(admin.json().memory.rss_bytes).toBeGreaterThan(10_000_000);
    const metrics = await health(bearer('metrics-secret-for-tests-0123456789'));
    expect(Object.keys(metrics.json()).sort()).toEqual(DETAILS);
    const wrong = await health(bearer('metrics-secret-for-tests-012345678X'));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('UNAUTHORIZED');
  });
});
