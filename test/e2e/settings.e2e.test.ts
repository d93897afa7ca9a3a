// Settings through a real browser against the real server: the browser's language, switching
// language and theme (both remembered across reloads, the session kept by the httpOnly cookie alone),
// the strict CSP, personal API keys, changing the password, and a session that ends mid-typing.
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openApp, screenshot, signIn, type PageWatch } from './browser.js';
import { browserSuite } from './suite.js';

const PASSWORD = 'user password 123';
const contexts: BrowserContext[] = [];

const suite = browserSuite();
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
});

async function open(options: Parameters<typeof openApp>[2] = {}) {
  const opened = await openApp(suite.browser, suite.t.url, options);
  contexts.push(opened.context);
  return opened;
}

/** Signs in through the form and returns the access token the server answered with. */
async function signInAndCapture(page: Page, login: string, password: string): Promise<string> {
  const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.ok());
  await signIn(page, login, password);
  const body = (await (await response).json()) as { access_token: string; refresh_token?: string };
  expect(body.refresh_token, 'the refresh token stays out of the response body').toBeUndefined();
  await page.getByTestId('signed-in-as').waitFor({ state: 'attached' });
  return body.access_token;
}

/** Reloads and returns the access token the httpOnly cookie bought. */
async function reloadAndCapture(page: Page): Promise<string> {
  const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
  await page.reload();
  const refreshed = await response;
  expect(refreshed.status()).toBe(200);
  return ((await refreshed.json()) as { access_token: string }).access_token;
}

function expectClean(watch: PageWatch, allowed: RegExp[] = []) {
  expect(watch.consoleErrors.filter((text) => !allowed.some((pattern) => pattern.test(text)))).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
}

/** Everything page scripts can see in web storage and cookies. */
async function scriptVisibleState(page: Page) {
  return page.evaluate(() => ({
    cookie: document.cookie,
    storage: [localStorage, sessionStorage].flatMap((store) =>
      Object.keys(store).flatMap((key) => [key, store.getItem(key) ?? '']),
    ),
  }));
}

async function createUser(role: 'user' | 'viewer' = 'user') {
  const user = await suite.t.createUser(role);
  const { body } = await suite.t.call('GET', `/api/v1/users/${user.id}`, await suite.t.adminToken());
  return { ...user, username: (body as { username: string }).username };
}

/** GET /auth/me with the given headers: status and body (read, so the connection is free again). */
const me = async (headers: Record<string, string>) => {
  const response = await fetch(`${suite.t.url}/api/v1/auth/me`, { headers });
  return { status: response.status, body: (await response.json()) as { email?: string } };
};

describe('language', () => {
  it('follows the browser at first: Indonesian for id-ID, English for en-US', async () => {
    const id = await open({ locale: 'id-ID' });
    await id.page.goto('/');
    await expect.poll(() => id.page.getByRole('heading', { level: 1 }).textContent()).toBe('Masuk');
    await expect.poll(() => id.page.locator('html').getAttribute('lang')).toBe('id');
    expect(await id.page.getByLabel('Nama pengguna atau e-mail').isVisible()).toBe(true);
    expect(await id.page.getByRole('button', { name: 'Masuk' }).isVisible()).toBe(true);
    expectClean(id.watch);

    const en = await open({ locale: 'en-US' });
    await en.page.goto('/');
    await expect.poll(() => en.page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await en.page.getByLabel('Username or e-mail').isVisible()).toBe(true);
    await screenshot(en.page, 'login');
    expectClean(en.watch);

    const phone = await open({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    await phone.page.goto('/');
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(phone.page, 'login-phone');
    expectClean(phone.watch);
  });

  it('switches to Indonesian and back; the choice and the session survive reloads; no token is readable', async () => {
    const user = await createUser();
    const { page, context, watch } = await open();
    await page.goto('/');
    const loginToken = await signInAndCapture(page, user.email, PASSWORD);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByTestId('profile-email').textContent()).toBe(user.email);
    expect(await page.getByTestId('profile-username').textContent()).toBe(user.username);
    await screenshot(page, 'settings');

    await page.getByRole('radio', { name: 'Bahasa Indonesia' }).check();
    await page.getByRole('heading', { name: 'Pengaturan', level: 1 }).waitFor();
    const nav = page.getByRole('navigation');
    for (const name of ['Obrolan', 'Dokumen', 'Pengaturan']) {
      expect(await nav.getByRole('link', { name }).isVisible()).toBe(true);
    }
    for (const name of ['Bahasa dan tampilan', 'Ubah kata sandi', 'Kunci API pribadi']) {
      expect(await page.getByRole('heading', { name, level: 2 }).isVisible()).toBe(true);
    }
    expect(await page.getByRole('button', { name: 'Keluar' }).isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('id');
    await screenshot(page, 'settings-id');

    const tokens = [loginToken, await reloadAndCapture(page)];
    await page.getByRole('heading', { name: 'Pengaturan', level: 1 }).waitFor();
    expect(await page.getByRole('radio', { name: 'Bahasa Indonesia' }).isChecked()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Obrolan' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Nama pengguna atau e-mail').count()).toBe(0);

    await page.getByRole('radio', { name: 'English' }).check();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    tokens.push(await reloadAndCapture(page));
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await nav.getByRole('link', { name: 'Chat' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Username or e-mail').count()).toBe(0);
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('Signed in as');

    const cookies = await context.cookies();
    const refresh = cookies.find((cookie) => cookie.name === 'ps_refresh');
    expect(refresh).toBeDefined();
    expect(refresh!.httpOnly).toBe(true);
    expect(refresh!.sameSite).toBe('Strict');
    const visible = await scriptVisibleState(page);
    expect(visible.cookie).not.toContain('ps_refresh');
    expect(visible.cookie).not.toContain(refresh!.value);
    for (const value of [visible.cookie, ...visible.storage]) {
      expect(value).not.toMatch(/eyJ/);
      for (const token of tokens) expect(value).not.toContain(token);
    }
    expectClean(watch);
  });
});

it('serves every page with the strict CSP and no inline script', async () => {
  const index = await (await fetch(`${suite.t.url}/`)).text();
  const script = /<script[^>]*\ssrc="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
  expect(script).toBeDefined();
  for (const path of ['/', '/chat', '/settings', script!]) {
    const response = await fetch(`${suite.t.url}${path}`);
    await response.body?.cancel(); // only the headers matter; a body left unread keeps the connection busy
    expect(response.status, path).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp, path).toContain("script-src 'self'");
    expect(csp, path).not.toContain('unsafe-inline');
    expect(csp, path).not.toContain('unsafe-eval');
  }
  const scripts = [...index.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    expect(attributes).toMatch(/\ssrc="/);
    expect((body ?? '').trim()).toBe('');
  }
  expect(index).not.toMatch(/\sstyle="/);
  expect(index).not.toMatch(/<style\b/);
});

it('switches to the dark theme and keeps it across a reload', async () => {
  const user = await createUser();
  const { page, watch } = await open();
  await page.goto('/settings');
  await signInAndCapture(page, user.email, PASSWORD);
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
  await reloadAndCapture(page);
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
  expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(17, 20, 24)');
  await screenshot(page, 'settings-dark');
  await page.getByRole('radio', { name: 'Light' }).check();
  await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light');
  expectClean(watch);
});

it('creates an API key shown once, which works until it is revoked in the page', async () => {
  const user = await createUser();
  const { page, context, watch } = await open();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/settings');
  await signInAndCapture(page, user.email, PASSWORD);
  await page.getByText('You have no API keys yet.').waitFor();

  await page.getByLabel('Key name').fill('Reporting script');
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Expires on (optional)').fill(expiry);
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your new API key' });
  await dialog.waitFor();
  expect(await dialog.getByText('it will not be shown again').isVisible()).toBe(true);
  const secret = await dialog.getByTestId('api-key-secret').inputValue();
  expect(secret).toMatch(/^psk_/);
  await dialog.getByRole('button', { name: 'Copy key' }).click();
  await dialog.getByRole('button', { name: 'Copied', exact: true }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await screenshot(page, 'settings-new-key');
  await dialog.getByRole('button', { name: 'Done, I have copied it' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await page.content()).not.toContain(secret);

  const row = page.getByRole('row', { name: /Reporting script/ });
  await row.waitFor();
  expect(await row.textContent()).toContain(secret.slice(0, 12));
  expect(await row.textContent()).toContain('Active');
  expect(await row.textContent()).toContain('Not used yet');
  expect(await page.getByLabel('Key name').inputValue()).toBe('');

  const viaHeader = await me({ 'X-API-Key': secret });
  expect(viaHeader.status).toBe(200);
  expect(viaHeader.body.email).toBe(user.email);
  expect((await me({ Authorization: `Bearer ${secret}` })).status).toBe(200);
  await reloadAndCapture(page);
  await row.waitFor();
  expect(await row.textContent()).not.toContain('Not used yet');

  await page.getByRole('button', { name: 'Revoke key Reporting script' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke this API key?' });
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => row.textContent()).toContain('Revoked');
  expect(await page.getByRole('button', { name: 'Revoke key Reporting script' }).count()).toBe(0);
  expect((await me({ 'X-API-Key': secret })).status).toBe(401);
  await page.getByRole('heading', { name: 'Personal API keys' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-keys');
  expectClean(watch);
});

it('changes the password in settings; the new one signs in after signing out', async () => {
  const user = await createUser();
  const created = await suite.t.call('POST', '/api/v1/auth/api-keys', user.token, { name: 'ci' });
  const { page, watch } = await open();
  await page.goto('/settings');
  await signInAndCapture(page, user.email, PASSWORD);
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await page.getByLabel('Repeat new password').fill('a brand new passphrase');
  await page.getByLabel('Also revoke all my API keys').check();
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Password changed.').waitFor();
  // The other session (the one createUser opened) and, as asked, the API key have ended.
  expect((await me({ authorization: `Bearer ${user.token}` })).status).toBe(401);
  expect((await me({ authorization: `Bearer ${created.body.key as string}` })).status).toBe(401);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(
    (await suite.t.call('POST', '/api/v1/auth/login', undefined, { email: user.email, password: PASSWORD }))
      .status,
  ).toBe(401);
  await signInAndCapture(page, user.email, 'a brand new passphrase');
  expect(await page.getByTestId('signed-in-as').isVisible()).toBe(true);
  expectClean(watch);
});

it('keeps typed text when the session ends, asks for the password, then finishes the action', async () => {
  const user = await createUser();
  const { page, watch } = await open();
  await page.goto('/settings');
  await signInAndCapture(page, user.email, PASSWORD);
  await page.getByText('You have no API keys yet.').waitFor();
  await page.getByLabel('Key name').fill('Typed before the session ended');

  // An administrator disables and re-enables the account: every session of it ends, the password stays.
  const admin = await suite.t.adminToken();
  expect((await suite.t.call('PATCH', `/api/v1/users/${user.id}`, admin, { disabled: true })).status).toBe(
    200,
  );
  expect((await suite.t.call('PATCH', `/api/v1/users/${user.id}`, admin, { disabled: false })).status).toBe(
    200,
  );

  await page.getByRole('button', { name: 'Create key' }).click();
  const reauth = page.getByRole('dialog', { name: 'Your session has ended' });
  await reauth.waitFor();
  expect(await page.getByLabel('Key name').inputValue()).toBe('Typed before the session ended');
  expect(await reauth.getByLabel('Username or e-mail').inputValue()).toBe(user.username);
  await screenshot(page, 'settings-reauth');
  await reauth.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await reauth.getByRole('button', { name: 'Sign in', exact: true }).click();
  await reauth.waitFor({ state: 'hidden' });

  // The click that ran into the ended session carries on: the key is created with the typed name.
  const created = page.getByRole('dialog', { name: 'Your new API key' });
  await created.waitFor();
  expect(await created.textContent()).toContain('Typed before the session ended');
  await created.getByRole('button', { name: 'Done, I have copied it' }).click();
  await page.getByRole('row', { name: /Typed before the session ended/ }).waitFor();
  const keys = await suite.t.call('GET', '/api/v1/auth/api-keys', await suite.t.login(user.email, PASSWORD));
  expect((keys.body as { api_keys: Array<{ name: string }> }).api_keys.map((key) => key.name)).toEqual([
    'Typed before the session ended',
  ]);
  expectClean(watch, [/status of 401/]);
});

it('lets a viewer manage their own keys on a phone, and explains a refusal', async () => {
  const viewer = await createUser('viewer');
  const { page, watch } = await open({ viewport: { width: 390, height: 844 } });
  await page.goto('/settings');
  await signInAndCapture(page, viewer.email, PASSWORD);
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  const profile = page.getByRole('region', { name: 'Profile' });
  expect(await profile.getByText('Viewer', { exact: true }).isVisible()).toBe(true);
  await page.getByText('You have no API keys yet.').waitFor();
  await screenshot(page, 'settings-phone');

  // The key routes are open to every role (auth.routes.ts sets no roles), so a viewer gets a key too.
  await page.getByLabel('Key name').fill('Read-only dashboard');
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your new API key' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Done, I have copied it' }).click();
  const row = page.getByRole('row', { name: /Read-only dashboard/ });
  await row.waitFor();
  await row.scrollIntoViewIfNeeded();
  expect(await row.isVisible()).toBe(true);
  const box = await row.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
  await screenshot(page, 'settings-phone-keys');

  // Should a deployment refuse keys to a role, the server answers 403: the page says so in plain words.
  await page.route('**/api/v1/auth/api-keys', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 403,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'FORBIDDEN', message: 'Forbidden' } }),
        })
      : route.fallback(),
  );
  await page.getByLabel('Key name').fill('Refused');
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByText('Your role may not manage API keys. Ask an administrator if you need one.').waitFor();
  expect(await page.getByLabel('Key name').inputValue()).toBe('Refused');
  expectClean(watch, [/status of 403/]);
});
