import { expect, it } from 'vitest';
import { newMessageRow } from '../../src/modules/chat/conversation.repository.js';
import { openApp, signIn } from './browser.js';
import { browserSuite } from './suite.js';

const suite = browserSuite();

it('shows a reasoning model’s thinking collapsed and apart from the answer; a reload keeps it all', async () => {
  const user = await suite.t.createUser('user');
  const created = await suite.t.call('POST', '/api/v1/chat/sessions', user.token, { title: 'Reasoning' });
  const { conversations } = suite.t.runtime.services.repositories;
  const message = (role: 'user' | 'assistant', content: string, reasoning: string | null) =>
    conversations.appendMessage({
      ...newMessageRow(created.body.id, role, content, new Date().toISOString()),
      reasoning,
      model: 'deepseek-r1-distill-qwen-1.5b',
    });
  await message('user', 'Should we approve the invoice?', null);
  await message(
    'assistant',
    'Yes: **approve** it, the amount is within the limit.\n\n```python\ndef approve(amount):\n    return amount <= 10_000_000\n```',
    'The limit is 10 million rupiah and the invoice is 4 million, so <b>it fits</b>.',
  );

  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  // A link straight to the conversation, signing in on the way (the page must then load it).
  await page.goto(`/chat/${created.body.id}`);
  await signIn(page, user.email, 'user password 123');

  const answer = page.locator('li[data-role="assistant"]');
  await answer.waitFor();
  const details = answer.locator('details');
  expect(await details.count()).toBe(1);
  expect(await details.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(false);
  const thinking = details.getByText('The limit is 10 million rupiah', { exact: false });
  expect(await thinking.isVisible()).toBe(false);
  // The answer is rendered markdown; the reasoning is plain text, outside it, never HTML.
  expect(await answer.locator('.md strong').textContent()).toBe('approve');
  expect(await answer.locator('.md').textContent()).not.toContain('10 million');
  // Code is highlighted once the lazily loaded highlighter arrives.
  await answer.locator('.md pre code .hljs-keyword').first().waitFor();
  expect(await answer.locator('.md pre code .hljs-keyword').first().textContent()).toBe('def');
  await details.locator('summary').click();
  expect(await thinking.isVisible()).toBe(true);
  expect(await thinking.textContent()).toContain('<b>it fits</b>');
  expect(await details.locator('b').count()).toBe(0);

  // A reload keeps the session, the conversation on screen and the unsent draft.
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('And what about the second invoice?');
  await page.reload();
  await answer.locator('.md strong').waitFor();
  expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe(
    'And what about the second invoice?',
  );
  expect(await page.getByRole('button', { name: /^sign in$/i }).count()).toBe(0);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
  await context.close();
});

it('forgets one user’s unsent text when they sign out and another user signs in on the same tab', async () => {
  const alice = await suite.t.createUser('user');
  const bob = await suite.t.createUser('user');
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await page.goto('/');
  await signIn(page, alice.email, 'user password 123');
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Alice’s confidential draft');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, bob.email, 'user password 123');
  await composer.waitFor();
  expect(await composer.inputValue()).toBe('');
  expect(await page.evaluate('JSON.stringify(sessionStorage)')).not.toContain('confidential');
  expect(watch.consoleErrors).toEqual([]);
  await context.close();
});
