import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { storiesModel } from '../helpers/shared-models.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/test-app.js';
import { openApp, screenshot, signIn } from './browser.js';
import { browserSuite } from './suite.js';

const STORIES_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
const ADMIN_CHAT_TITLE = 'Admin only: budget 4711';
const NEW_USER = {
  email: 'rina@example.test',
  username: 'rina',
  displayName: 'Rina Hartono',
  password: 'temporary pass 42',
  newPassword: 'rina own password 99',
};
const PROMPT = {
  name: 'Pirate voice',
  description: 'For the demo',
  content: 'Answer like a friendly pirate.',
};

let hub: { url: string; server: Server };

/** A slow local model hub: serves the tiny GGUF in 64 KiB pieces every 250 ms (about 5 s in all). */
async function startSlowHub(): Promise<{ url: string; server: Server }> {
  const bytes = readFileSync(storiesModel());
  const server = createServer((request, response) => {
    if (request.url !== '/e2e-tiny.gguf') return response.writeHead(404).end();
    response.writeHead(200, { 'content-length': bytes.length });
    let offset = 0;
    const timer = setInterval(() => {
      const piece = bytes.subarray(offset, offset + 64 * 1024);
      offset += piece.length;
      if (piece.length === 0 || response.destroyed) {
        clearInterval(timer);
        response.end();
        return;
      }
      response.write(piece);
    }, 250);
    response.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

// The slow hub listens on loopback, which model pulls refuse unless the operator allows the host.
const suite = browserSuite({ env: { MODEL_PULL_ALLOWED_HOSTS: '127.0.0.1' } });
beforeAll(async () => {
  hub = await startSlowHub();
});
afterAll(async () => {
  hub?.server.close();
});

/** A screenshot of the whole console: the shell scrolls inside <main>, so grow the window to fit it first. */
async function shot(page: Page, name: string) {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.evaluate<number>("document.querySelector('main').scrollHeight");
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 60) });
  await screenshot(page, name);
  await page.setViewportSize(viewport);
}

/** True when the page scrolls sideways (it must not, even on a phone). */
async function pageOverflows(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  );
}

/** Clicks a tab of the admin console and waits for it to be the current one. */
async function openTab(page: Page, name: string) {
  const tab = page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name });
  await tab.click();
  await expect.poll(() => tab.getAttribute('aria-current')).toBe('page');
}

describe('admin console', () => {
  it('shows figures, creates a user, manages prompts and pulls and switches a model', async () => {
    const admin = await suite.t.adminToken();
    // Data for the charts: one answer through the API, and a conversation only the admin may see.
    const chat = await suite.t.call('POST', '/api/v1/chat', admin, { message: 'Once upon a time' });
    expect(chat.status).toBe(200);
    const secret = await suite.t.call('POST', '/api/v1/chat/sessions', admin, { title: ADMIN_CHAT_TITLE });
    expect(secret.status).toBe(201);

    const { page, watch, context } = await openApp(suite.browser, suite.t.url);
    await page.goto('/');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Admin' })
      .click();

    // Dashboard: cards and three SVG charts with accessible names and data tables.
    await expect.poll(() => page.locator('svg.chart-svg[role="img"]').count()).toBe(3);
    const charts = page.locator('svg.chart-svg');
    expect(await charts.nth(0).getAttribute('aria-label')).toMatch(
      /^Requests and errors per hour\. 1 requests/,
    );
    expect(await charts.nth(0).locator('rect.chart-bar').count()).toBeGreaterThan(0);
    expect(await page.locator('.visually-hidden > table').count()).toBe(3);
    const totals = page.getByRole('region', { name: 'Totals in this window' });
    await expect.poll(() => totals.locator('.stat-row').first().textContent()).toBe('Requests1');
    const modelCard = page.getByRole('region', { name: 'Chat model' });
    expect(await modelCard.textContent()).toContain('stories260K');
    expect(await page.getByRole('region', { name: 'Response cache' }).textContent()).toContain('Not enabled');
    await page.getByRole('button', { name: '7 days' }).click();
    await expect.poll(() => charts.nth(0).getAttribute('aria-label')).toMatch(/per day/);
    await page.getByRole('button', { name: '24 hours' }).click();
    await expect.poll(() => charts.nth(0).getAttribute('aria-label')).toMatch(/per hour/);
    await shot(page, 'admin-dashboard');

    // Users: create one through the dialog; they show up with no chats.
    await openTab(page, 'Users');
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a user' });
    await dialog.getByLabel('E-mail', { exact: true }).fill(NEW_USER.email);
    await dialog.getByLabel(/^Username/).fill(NEW_USER.username);
    await dialog.getByLabel(/^Display name/).fill(NEW_USER.displayName);
    await dialog.getByLabel('Role').selectOption('user');
    await dialog.getByLabel('Temporary password').fill(NEW_USER.password);
    expect(await dialog.getByLabel('Must change the password at first sign-in').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const row = page.getByRole('row').filter({ hasText: NEW_USER.email });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('chat-count').textContent()).toBe('0');
    expect(await row.getByLabel(`Role of ${NEW_USER.displayName}`).inputValue()).toBe('user');
    expect(await row.textContent()).toContain('Must change password');
    await shot(page, 'admin-users');

    // System prompts: create, activate, see it marked (and the server agrees).
    await openTab(page, 'System prompts');
    await page.getByRole('button', { name: 'New prompt' }).click();
    const promptDialog = page.getByRole('dialog', { name: 'New system prompt' });
    await promptDialog.getByLabel('Name').fill(PROMPT.name);
    await promptDialog.getByLabel(/^Description/).fill(PROMPT.description);
    await promptDialog.getByLabel('Prompt text').fill(PROMPT.content);
    await promptDialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: `Activate ${PROMPT.name}` }).click();
    const promptItem = page.getByTestId('prompt').filter({ hasText: PROMPT.name });
    await expect.poll(() => promptItem.locator('.badge').textContent()).toBe('Active');
    expect(await page.getByTestId('prompt').locator('.badge', { hasText: 'Active' }).count()).toBe(1);
    const prompts = (await suite.t.call('GET', '/api/v1/prompts', admin)).body.prompts;
    expect(prompts.filter((prompt: any) => prompt.is_active).map((prompt: any) => prompt.name)).toEqual([
      PROMPT.name,
    ]);
    await shot(page, 'admin-prompts');

    // Models: the loaded one is marked; a pull from a (slow, local) URL shows a moving progress bar.
    await openTab(page, 'Models');
    await expect.poll(() => page.getByTestId('loaded-model').textContent()).toContain('stories260K');
    expect(await page.getByTestId('loaded-model').textContent()).toContain('Loaded');
    await page.getByLabel('URL of a .gguf file').fill(`${hub.url}/e2e-tiny.gguf`);
    await page.getByLabel(/^SHA-256/).fill(STORIES_SHA256);
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    const progress = page.getByRole('progressbar', { name: 'Download progress of e2e-tiny' });
    await progress.waitFor();
    const seen = new Set<number>();
    const download = page.getByTestId('download').filter({ hasText: 'e2e-tiny' });
    for (let i = 0; i < 200 && !(await download.textContent())?.includes('Completed'); i++) {
      if (await progress.isVisible()) {
        const text = await download
          .getByTestId('download-percent')
          .textContent({ timeout: 1000 })
          .catch(() => '');
        const match = /^(\d+) %$/.exec(text ?? '');
        if (match) seen.add(Number(match[1]));
      }
      await page.waitForTimeout(100);
    }
    expect(await download.textContent()).toContain('Completed');
    // The bar moved: at least two different partial values before it finished.
    expect([...seen].filter((value) => value > 0 && value < 100).length).toBeGreaterThanOrEqual(2);
    expect(await progress.count()).toBe(0);

    // The pulled model is registered; switch to it (asks first, shows it loaded afterwards).
    await page.getByRole('button', { name: 'Switch to e2e-tiny' }).click();
    const confirm = page.getByRole('dialog', { name: 'Switch the chat model?' });
    expect(await confirm.textContent()).toContain('Everyone’s chats will use e2e-tiny');
    await confirm.getByRole('button', { name: 'Switch to this model' }).click();
    await expect.poll(() => confirm.isVisible(), { timeout: 30_000 }).toBe(false);
    await expect.poll(() => page.getByTestId('loaded-model').textContent()).toContain('e2e-tiny');
    const registry = page
      .getByRole('region', { name: 'Registered models' })
      .getByRole('listitem')
      .filter({ hasText: 'e2e-tiny' });
    expect(await registry.locator('.badge-ok').textContent()).toBe('Loaded');
    expect((await suite.t.call('GET', '/health', admin)).body.model.id).toBe('e2e-tiny');
    await shot(page, 'admin-models');

    // Phone layout: the users table scrolls inside its own box, the page does not.
    await page.setViewportSize({ width: 390, height: 844 });
    await openTab(page, 'Users');
    await expect.poll(() => page.getByRole('row').filter({ hasText: NEW_USER.email }).count()).toBe(1);
    const pageOverflow = await pageOverflows(page);
    expect(pageOverflow).toBe(false);
    await shot(page, 'admin-users-phone');
    await openTab(page, 'Models');
    await page.getByTestId('loaded-model').waitFor();
    await shot(page, 'admin-models-phone');
    await openTab(page, 'Dashboard');
    await expect.poll(() => page.locator('svg.chart-svg').count()).toBe(3);
    expect(await pageOverflows(page)).toBe(false);
    await shot(page, 'admin-dashboard-phone');

    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.outsideRequests()).toEqual([]);
    await context.close();
  });

  it('keeps a plain user out: no Admin link, a forbidden page, no admin data, not the admin’s chats', async () => {
    const { page, watch, context } = await openApp(suite.browser, suite.t.url);
    const adminApi: { url: string; status: number }[] = [];
    const chatLists: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (/^\/api\/v1\/(users|admin)(\/|$)/.test(url.pathname)) {
        adminApi.push({ url: url.pathname, status: response.status() });
      }
      if (url.pathname === '/api/v1/chat/sessions') {
        void response.text().then(
          (text) => chatLists.push(text),
          () => undefined,
        );
      }
    });
    await page.goto('/');
    await signIn(page, NEW_USER.email, NEW_USER.password);

    // The temporary password must be replaced first.
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('Current password').fill(NEW_USER.password);
    await page.getByLabel('New password', { exact: true }).fill(NEW_USER.newPassword);
    await page.getByLabel('Repeat new password').fill(NEW_USER.newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain('User');

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.getByRole('link', { name: 'Chat' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await page.goto('/admin');
    await page.getByRole('heading', { name: 'You do not have access to this page.' }).waitFor();
    await page.goto('/admin/users');
    await page.getByRole('heading', { name: 'You do not have access to this page.' }).waitFor();
    await page.waitForTimeout(500);
    // Nothing of the console loaded: any request to an admin endpoint would have been refused.
    expect(adminApi.filter((entry) => entry.status !== 403)).toEqual([]);
    expect(await page.getByRole('heading', { name: 'Administration' }).count()).toBe(0);

    // The chat screen is another engineer's (a placeholder may not list conversations yet): check
    // whatever lists it fetched, and the user's own list through the API.
    await page.goto('/chat');
    await page.waitForTimeout(500);
    expect(await page.getByText(ADMIN_CHAT_TITLE).count()).toBe(0);
    for (const body of chatLists) expect(body).not.toContain(ADMIN_CHAT_TITLE);
    const token = await suite.t.login(NEW_USER.email, NEW_USER.newPassword);
    const own = await suite.t.call('GET', '/api/v1/chat/sessions', token);
    expect(own.status).toBe(200);
    expect(own.body.sessions.map((session: any) => session.title)).not.toContain(ADMIN_CHAT_TITLE);
    // …and the server refuses the admin endpoints to this user.
    expect((await suite.t.call('GET', '/api/v1/users', token)).status).toBe(403);
    expect((await suite.t.call('GET', '/api/v1/admin/stats', token)).status).toBe(403);

    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.outsideRequests()).toEqual([]);
    await context.close();
  });
});
