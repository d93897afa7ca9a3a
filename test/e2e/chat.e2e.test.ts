import { beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openApp, screenshot, signIn, type PageWatch } from './browser.js';
import { browserSuite } from './suite.js';

// Long answers (the tiny model writes 1500 tokens in a few seconds) so there is time to watch
// them grow and to stop one halfway.
const env = { MODEL_MAX_TOKENS: '1500', MODEL_CONTEXT_LENGTH: '2048' };
const EMAIL = 'writer@example.test';
const TEMPORARY = 'temporary pass 1';
const PASSWORD = 'my own password 2';

let context: BrowserContext;
let page: Page;
let watch: PageWatch;
let token = '';
let conversationId = '';

const suite = browserSuite({ env });
beforeAll(async () => {
  const created = await suite.t.call('POST', '/api/v1/users', await suite.t.adminToken(), {
    email: EMAIL,
    password: TEMPORARY,
    role: 'user',
    must_change_password: true,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  ({ context, page, watch } = await openApp(suite.browser, suite.t.url));
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
});

const composer = () => page.getByRole('textbox', { name: 'Message' });
const announcer = () => page.getByTestId('chat-announcer');
const assistants = () => page.locator('li[data-role="assistant"]');
const conversation = async () =>
  (await suite.t.call('GET', `/api/v1/chat/sessions/${conversationId}`, token)).body;
/** Text without whitespace: rendered paragraphs lose the newlines between them. */
const squash = (text: string) => text.replace(/\s+/g, '');

/** Lengths of the streaming answer's text, sampled in the page every 40 ms until it is done. */
const SAMPLE_WHILE_STREAMING = `new Promise((resolve) => {
  const samples = [];
  const timer = setInterval(() => {
    const live = document.querySelector('[data-streaming="true"]');
    if (!live) { clearInterval(timer); resolve(samples); return; }
    samples.push(live.querySelector('[data-testid="answer"]')?.textContent?.length ?? 0);
  }, 40);
})`;

it('signs in with a forced password change, streams an answer progressively and stops one', async () => {
  await page.goto('/');
  await signIn(page, EMAIL, TEMPORARY);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('Current password').fill(TEMPORARY);
  await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat new password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('How can I help you today?').waitFor();
  token = await suite.t.login(EMAIL, PASSWORD);
  expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);

  // Turn 1: the answer grows on screen token by token.
  await page.getByLabel('Knowledge').selectOption('off');
  await composer().fill('Once upon a time');
  await composer().press('Enter');
  await page.locator('[data-streaming="true"]').waitFor();
  const lengths = await page.evaluate<number[]>(SAMPLE_WHILE_STREAMING);
  const increases = lengths.filter((length, i) => i > 0 && length > lengths[i - 1]!).length;
  expect(increases, `samples: ${lengths.join(',')}`).toBeGreaterThanOrEqual(2);
  await expect.poll(() => announcer().textContent()).toBe('The answer is complete.');
  expect(await composer().inputValue()).toBe('');
  conversationId = new URL(page.url()).pathname.split('/').pop()!;
  const first = await conversation();
  expect(first.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  expect(first.messages[1].status).toBe('complete');
  expect(squash((await assistants().first().textContent()) ?? '')).toContain(
    squash(first.messages[1].content).slice(0, 80),
  );
  const marks = await page.evaluate<number[]>(
    `['ps:first-chunk-received', 'ps:first-chunk-painted'].map((name) => performance.getEntriesByName(name, 'mark').length)`,
  );
  expect(marks).toEqual([1, 1]);

  // Turn 2: stopped halfway; the partial answer stays, stored as incomplete.
  await composer().fill('Tell me more');
  await page.getByRole('button', { name: 'Send' }).click();
  const live = page.locator('[data-streaming="true"] [data-testid="answer"]');
  await expect.poll(async () => ((await live.textContent()) ?? '').length).toBeGreaterThan(40);
  await screenshot(page, 'chat-streaming');
  await page.getByRole('button', { name: 'Stop' }).click();
  // The answer's own text only: the squashed answer can be shorter than the prefix compared below,
  // and the rest of the message (labels, actions) must not be taken for answer text.
  const shown = squash(
    (await page.locator('[data-role="assistant"][data-streaming] [data-testid="answer"]').textContent()) ??
      '',
  );
  await expect.poll(() => page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
  await expect.poll(() => announcer().textContent()).toBe('The answer was stopped.');
  await expect.poll(async () => (await conversation()).messages.length).toBe(4);
  const stopped = (await conversation()).messages[3];
  expect(stopped.status).toBe('incomplete');
  expect(stopped.usage?.completion_tokens ?? 0).toBeLessThan(1500);
  const prefix = shown.slice(0, 40);
  expect(prefix.length).toBeGreaterThan(20);
  expect(squash(stopped.content).startsWith(prefix), `${prefix} vs ${stopped.content}`).toBe(true);
  const last = assistants().last();
  await expect.poll(() => last.getAttribute('data-status')).toBe('incomplete');
  expect(squash((await last.textContent()) ?? '')).toContain(prefix);
  await expect.poll(() => last.getByText('Stopped').isVisible()).toBe(true);
});

it('regenerates the last answer, copies it, and renames, searches and deletes conversations', async () => {
  const before = await conversation();
  const lastId = before.messages.at(-1).id;
  await page.getByRole('button', { name: 'Regenerate answer' }).click();
  await page.locator('[data-streaming="true"]').waitFor();
  await expect.poll(() => announcer().textContent(), { timeout: 30_000 }).toBe('The answer is complete.');
  const after = await conversation();
  const roles = (c: { messages: { role: string }[] }) =>
    c.messages.filter((m) => m.role === 'assistant').length;
  expect(roles(after)).toBe(roles(before));
  expect(after.messages.at(-1).id).not.toBe(lastId);
  expect(after.messages.at(-1).status).toBe('complete');
  expect(await assistants().count()).toBe(2);

  await assistants().last().getByRole('button', { name: 'Copy' }).click();
  await assistants().last().getByText('Copied').waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(after.messages.at(-1).content);

  // A new chat starts with its first message; a draft stays with its conversation.
  await page.getByRole('link', { name: 'New chat' }).click();
  await page.getByText('How can I help you today?').waitFor();
  await composer().fill('Shopping list');
  await composer().press('Enter');
  await expect
    .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
    .toBe('Shopping list');
  await expect.poll(() => announcer().textContent(), { timeout: 30_000 }).toBe('The answer is complete.');
  await composer().fill('an unsent draft');
  await page.getByRole('link', { name: /Once upon a time/ }).click();
  await expect.poll(() => composer().inputValue()).toBe('');
  await page.getByRole('link', { name: /Shopping list/ }).click();
  await expect.poll(() => composer().inputValue()).toBe('an unsent draft');

  await page.getByRole('link', { name: /Once upon a time/ }).click();
  await page.getByRole('button', { name: 'Rename “Once upon a time”' }).click();
  await page.getByLabel('New title').fill('Bedtime stories');
  await page.getByLabel('New title').press('Enter');
  await page.getByRole('link', { name: /Bedtime stories/ }).waitFor();
  await expect.poll(async () => (await conversation()).title).toBe('Bedtime stories');
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Bedtime stories');

  const list = page.getByTestId('conversation-list');
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('bedtime');
  await expect.poll(() => list.getByRole('link').count()).toBe(1);
  expect(await list.getByRole('link', { name: /Shopping list/ }).count()).toBe(0);
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');
  await expect.poll(() => list.getByRole('link').count()).toBe(2);

  await page.getByRole('button', { name: 'Delete “Shopping list”' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => list.getByRole('link').count()).toBe(1);
  const remaining = (await suite.t.call('GET', '/api/v1/chat/sessions', token)).body;
  expect(remaining.sessions.map((s: { title: string }) => s.title)).toEqual(['Bedtime stories']);

  // Phone: the list is a panel behind a button.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await list.isVisible()).toBe(false);
  await page.getByRole('button', { name: 'Show conversations' }).click();
  await list.waitFor();
  await screenshot(page, 'chat-phone-list');
  await list.getByRole('link', { name: /Bedtime stories/ }).click();
  await expect.poll(() => list.isVisible()).toBe(false);
  await screenshot(page, 'chat-phone');

  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
});
