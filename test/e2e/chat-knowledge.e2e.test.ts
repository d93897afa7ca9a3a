import { expect, it } from 'vitest';
import { uploadFile, waitForDocument } from '../helpers/upload.js';
import { openApp, screenshot, signIn } from './browser.js';
import { browserSuite } from './suite.js';

const DOCUMENT = [
  '# Lighthouse keeping',
  '',
  '## Lamp care',
  '',
  'The zircon lighthouse lamp is polished every Tuesday by the keeper on duty, using a soft chamois cloth.',
  '',
].join('\n');

const suite = browserSuite({ env: { MODEL_MAX_TOKENS: '60', MODEL_CONTEXT_LENGTH: '2048' } });

it('answers from a document and shows the exact cited passage with its document and section', async () => {
  const user = await suite.t.createUser('user');
  const uploaded = await uploadFile(suite.t, user.token, 'lighthouse.md', DOCUMENT);
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expect((await waitForDocument(suite.t, user.token, uploaded.body.id)).status).toBe('PROCESSED');

  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await page.goto('/');
  await signIn(page, user.email, 'user password 123');
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.waitFor();
  await page.getByLabel('Knowledge').selectOption('always');
  await composer.fill('When is the zircon lighthouse lamp polished?');
  await composer.press('Enter');
  await page.getByText(/^(Searching documents…|Found 1 passages)$/).waitFor();
  await expect
    .poll(() => page.getByTestId('chat-announcer').textContent(), { timeout: 30_000 })
    .toBe('The answer is complete.');

  // The stored answer names its source; the screen lists it under the answer.
  const id = new URL(page.url()).pathname.split('/').pop()!;
  const stored = (await suite.t.call('GET', `/api/v1/chat/sessions/${id}`, user.token)).body;
  const source = stored.messages.at(-1).sources[0];
  expect(source).toMatchObject({ index: 1, filename: 'lighthouse.md', document_id: uploaded.body.id });
  const chunk = (
    await suite.t.call('GET', `/api/v1/files/${source.document_id}/chunks/${source.chunk_id}`, user.token)
  ).body;
  expect(chunk.content).toContain('zircon lighthouse lamp is polished every Tuesday');
  expect(await page.evaluate(() => localStorage.getItem('privatestack.chat.ragMode'))).toBe('always');

  await page.getByRole('button', { name: /\[1\] lighthouse\.md/ }).click();
  const panel = page.getByRole('complementary', { name: 'Source [1]' });
  await panel.getByTestId('citation-text').waitFor();
  expect(await panel.getByTestId('citation-text').textContent()).toBe(chunk.content);
  expect(await panel.getByTestId('citation-document').textContent()).toBe('lighthouse.md');
  expect(await panel.getByTestId('citation-page').textContent()).toBe('No page number');
  expect(await panel.getByTestId('citation-section').textContent()).toBe(chunk.heading);
  expect(chunk.heading).toMatch(/Lamp care/);
  await screenshot(page, 'chat-citation');
  await page.keyboard.press('Escape');
  await expect.poll(() => panel.count()).toBe(0);

  // On a phone the passage opens as a drawer and closes with its button.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: /\[1\] lighthouse\.md/ }).click();
  await panel.getByTestId('citation-text').waitFor();
  await screenshot(page, 'chat-citation-phone');
  await panel.getByRole('button', { name: 'Close source' }).click();
  await expect.poll(() => panel.count()).toBe(0);

  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
  await context.close();
});
