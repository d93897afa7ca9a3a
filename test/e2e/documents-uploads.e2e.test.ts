// Uploads that outlive the screen they started on, and the server's upload limits checked in the browser.
import { expect, it } from 'vitest';
import { startTestApp } from '../helpers/test-app.js';
import { openDocuments, PASSWORD, row } from './documents-support.js';
import { openApp, screenshot, signIn, throttleUploads } from './browser.js';
import { browserSuite } from './suite.js';

const suite = browserSuite();

it('keeps an upload running while the user is on another screen, and asks before the tab closes', async () => {
  const user = await suite.t.createUser('user');
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await openDocuments(page, user.email);
  await page.getByText('No documents yet — drop files here').waitFor();

  // About 4 MB of text, sent at about 400 KB/s: the upload takes ~10 s, long enough to leave mid-way.
  const name = 'field-handbook.txt';
  const line = 'Section {n}: inspect every ladder before use and log the inspection in the site book.\n';
  const text = Array.from({ length: 48_000 }, (_, n) => line.replace('{n}', String(n))).join('');
  const unthrottle = await throttleUploads(context, page, 400 * 1024);
  const posts: string[] = [];
  const failed: string[] = [];
  let answered = false;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/v1/files')) posts.push(request.url());
  });
  page.on('requestfailed', (request) => failed.push(`${request.method()} ${request.url()}`));
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && response.url().endsWith('/api/v1/files')) answered = true;
  });

  await page.getByTestId('file-input').setInputFiles({
    name,
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
  const item = page.getByTestId('upload-item').filter({ hasText: name });
  const percent = async () => Number(/Uploading… (\d+)%/.exec((await item.textContent()) ?? '')?.[1] ?? -1);
  await expect.poll(percent, { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await percent();
  expect(before).toBeLessThan(100);

  // Away to the chat while it uploads: the documents screen is gone, the upload is not.
  await page.getByRole('navigation').getByRole('link', { name: 'Chat' }).click();
  await page.waitForURL(/\/chat/);
  await expect.poll(() => page.getByTestId('drop-zone').count()).toBe(0);
  expect(answered).toBe(false);
  // Closing the tab now asks first; staying keeps the upload going.
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
  expect(page.isClosed()).toBe(false);
  await page.waitForTimeout(1000);
  expect(answered).toBe(false);

  // Back to the documents: the same upload, further along or finished, then processed.
  await page.getByRole('navigation').getByRole('link', { name: 'Documents' }).click();
  await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor();
  expect(await page.getByTestId('upload-item').count()).toBe(1);
  // Further along than when we left, or finished (polled: progress events are coarse on a busy machine).
  await expect
    .poll(async () => ((await item.textContent()) ?? '').includes('Uploaded') || (await percent()) > before)
    .toBe(true);
  await screenshot(page, 'documents-upload-returned');
  await expect.poll(() => item.textContent(), { timeout: 30_000 }).toContain('Uploaded');
  await unthrottle();
  await expect.poll(() => row(page, name).getAttribute('data-status'), { timeout: 60_000 }).toBe('PROCESSED');

  // Sent once, never aborted, stored once.
  expect(posts).toHaveLength(1);
  expect(failed.filter((request) => request.includes('/api/v1/files'))).toEqual([]);
  const files = (await suite.t.call('GET', '/api/v1/files', user.token)).body.files as Array<{
    original_filename: string;
    file_size: number;
  }>;
  const stored = files.filter((file) => file.original_filename === name);
  expect(stored).toHaveLength(1);
  expect(stored[0]!.file_size).toBe(Buffer.byteLength(text));
  // Nothing left running: closing the tab no longer asks.
  expect(
    await page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    }),
  ).toBe(false);

  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  await context.close();
});

it('checks files against the limits the server reports, before sending them', async () => {
  const small = await startTestApp({ listen: true, model: false, env: { MAX_UPLOAD_MB: '7' } });
  try {
    const user = await small.createUser('user');
    const { page, watch, context } = await openApp(suite.browser, small.url);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/api/v1/files')) posts.push(request.url());
    });
    await openDocuments(page, user.email);
    // The hint names the server's limit and extensions (its own order; aliases such as .htm left out).
    const config = (await small.call('GET', '/api/v1/rag/config', user.token)).body as {
      uploads: { max_upload_mb: number; accepted_extensions: string[] };
    };
    expect(config.uploads.max_upload_mb).toBe(7);
    const accepted = config.uploads.accepted_extensions;
    const shown = accepted.filter((ext) => !['text', 'log', 'markdown', 'htm'].includes(ext));
    const hint = page.getByTestId('upload-hint');
    await expect
      .poll(() => hint.textContent())
      .toBe(`Accepted: ${shown.map((ext) => `.${ext}`).join(' ')} — up to 7 MB each`);

    // Just over 7 MB: refused at once with the server's limit, never sent.
    await page.getByTestId('file-input').setInputFiles({
      name: 'archive.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(7 * 1_048_576 + 1, 'a'),
    });
    const item = page.getByTestId('upload-item').filter({ hasText: 'archive.txt' });
    await expect.poll(() => item.textContent()).toContain('The file is larger than the 7 MB limit.');
    expect(await item.textContent()).toContain('Not uploaded');
    await screenshot(page, 'documents-too-large');

    // An unsupported type names what the server accepts.
    await page.getByTestId('file-input').setInputFiles({
      name: 'slides.pptx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('PK'),
    });
    await expect
      .poll(() => page.getByTestId('upload-item').filter({ hasText: 'slides.pptx' }).textContent())
      .toContain(`.pptx files are not supported. Accepted: ${accepted.map((ext) => `.${ext}`).join(', ')}.`);
    await page.waitForTimeout(500);
    expect(posts).toEqual([]);
    expect((await small.call('GET', '/api/v1/files', user.token)).body.total).toBe(0);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    await context.close();
  } finally {
    await small.close();
  }
});

it('stops a running upload and forgets the queue when the user signs out', async () => {
  const user = await suite.t.createUser('user');
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await openDocuments(page, user.email);
  const unthrottle = await throttleUploads(context, page, 200 * 1024);
  const aborted: string[] = [];
  page.on('requestfailed', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/v1/files')) aborted.push(request.url());
  });
  await page.getByTestId('file-input').setInputFiles({
    name: 'minutes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Minutes of the weekly meeting.\n'.repeat(100_000)),
  });
  const item = page.getByTestId('upload-item').filter({ hasText: 'minutes.txt' });
  await expect.poll(() => item.textContent(), { timeout: 15_000 }).toMatch(/Uploading… [1-9]\d?%/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await expect.poll(() => aborted).toHaveLength(1);
  await unthrottle();

  // Signed in again: nothing of the last session's queue, nothing stored, nothing holds the tab.
  await signIn(page, user.email, PASSWORD);
  await page.getByRole('link', { name: 'Documents' }).click();
  await page.getByText('No documents yet — drop files here').waitFor();
  expect(await page.getByTestId('upload-item').count()).toBe(0);
  expect((await suite.t.call('GET', '/api/v1/files', user.token)).body.total).toBe(0);
  expect(
    await page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    }),
  ).toBe(false);
  expect(watch.pageErrors).toEqual([]);
  await context.close();
});
