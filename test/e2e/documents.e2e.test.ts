// The documents screen in a real browser against the real server: drag-and-drop and picker uploads with
// live status, refused uploads with their reasons, preview, re-process, delete, filters, permissions.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { openDocuments, row } from './documents-support.js';
import { openApp, screenshot, type PageWatch } from './browser.js';
import { browserSuite } from './suite.js';

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

const suite = browserSuite();

/** The browser logs every non-2xx response; the refused uploads below are refused on purpose. */
function unexpectedConsoleErrors(watch: PageWatch): string[] {
  return watch.consoleErrors.filter((text) => !/status of 415/.test(text));
}

it('uploads by drop and picker, shows live status, previews, re-processes, filters and deletes', async () => {
  const user = await suite.t.createUser('user');
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await openDocuments(page, user.email);
  await page.getByText('No documents yet — drop files here').waitFor();

  // Drag and drop a Markdown file onto the drop zone.
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    const text = '# Travel policy\n\nEmployees take the train for trips under 500 km.\n';
    transfer.items.add(new File([text], 'travel-policy.md', { type: 'text/markdown' }));
    return transfer;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  // And a CSV through the file picker.
  await page.getByTestId('file-input').setInputFiles({
    name: 'prices.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('product,price\nWidget,10\nGadget,25\n'),
  });

  // Both reach PROCESSED in the list without a reload, with their chunk counts.
  for (const name of ['travel-policy.md', 'prices.csv']) {
    await expect
      .poll(() => row(page, name).getAttribute('data-status'), { timeout: 30_000 })
      .toBe('PROCESSED');
    await expect.poll(() => row(page, name).textContent()).toMatch(/Ready · \d+ chunks?/);
    await expect.poll(() => row(page, name).textContent()).toContain('You');
  }
  expect(await page.getByTestId('upload-item').filter({ hasText: 'Uploaded' }).count()).toBe(2);

  // Refused uploads: PNG bytes named .csv (the server's check), an .exe (refused before sending).
  await page.getByTestId('file-input').setInputFiles([
    { name: 'photo.csv', mimeType: 'text/csv', buffer: PNG },
    { name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') },
  ]);
  const lying = page.getByTestId('upload-item').filter({ hasText: 'photo.csv' });
  await expect
    .poll(() => lying.textContent())
    .toContain(
      'The content does not match the file extension. The file has extension .csv but its content is a PNG image',
    );
  const exe = page.getByTestId('upload-item').filter({ hasText: 'tool.exe' });
  await expect.poll(() => exe.textContent()).toContain('.exe files are not supported');
  // Neither reached the list.
  expect(await row(page, 'photo.csv').count()).toBe(0);
  expect(await row(page, 'tool.exe').count()).toBe(0);

  // A file that is accepted but holds no text fails processing, with the reason shown.
  await page.getByTestId('file-input').setInputFiles({
    name: 'blank.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('   \n\n   \n'),
  });
  await expect
    .poll(() => row(page, 'blank.txt').getAttribute('data-status'), { timeout: 30_000 })
    .toBe('FAILED');
  await expect
    .poll(() => row(page, 'blank.txt').getByTestId('failure-reason').textContent())
    .toContain('No text could be extracted');

  // Preview shows the extracted text as plain text.
  await page.getByRole('button', { name: 'Preview travel-policy.md' }).click();
  const preview = page.getByRole('dialog', { name: 'travel-policy.md' });
  await expect
    .poll(() => preview.getByTestId('preview-text').textContent())
    .toContain('Employees take the train for trips under 500 km.');
  await screenshot(page, 'documents-preview');
  await preview.getByRole('button', { name: 'Close' }).click();
  await expect.poll(() => preview.isVisible()).toBe(false);

  // Download carries the bearer token (fetch + blob) and saves under the original name.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download prices.csv' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('prices.csv');
  expect(readFileSync(await saved.path(), 'utf8')).toBe('product,price\nWidget,10\nGadget,25\n');

  // Re-process goes back through the queue and returns to PROCESSED.
  let reprocessAnswered = false;
  const reprocessed = page.waitForResponse((response) => {
    if (!response.url().endsWith('/reprocess')) return false;
    reprocessAnswered = true;
    return true;
  });
  // The list as the server sends it after the re-process was accepted (not the one from before).
  const relisted = page.waitForResponse(
    (response) => reprocessAnswered && /\/api\/v1\/files\?/.test(response.url()),
  );
  await page.getByRole('button', { name: 'Process travel-policy.md again' }).click();
  expect((await reprocessed).status()).toBe(202);
  await relisted;
  await expect
    .poll(() => row(page, 'travel-policy.md').getAttribute('data-status'), { timeout: 30_000 })
    .toBe('PROCESSED');

  // Filters: by status (server) and by name (in the page).
  const status = page.getByLabel('Status', { exact: true });
  await status.selectOption({ label: 'Failed' });
  await expect.poll(() => page.getByTestId('document-row').count(), { timeout: 30_000 }).toBe(1);
  expect(await row(page, 'blank.txt').count()).toBe(1);
  await status.selectOption({ label: 'Ready' });
  await expect.poll(() => page.getByTestId('document-row').count(), { timeout: 30_000 }).toBe(2);
  expect(await row(page, 'blank.txt').count()).toBe(0);
  await status.selectOption({ label: 'All statuses' });
  await expect.poll(() => page.getByTestId('document-row').count(), { timeout: 30_000 }).toBe(3);
  await page.getByLabel('Search by name').fill('travel');
  await expect.poll(() => page.getByTestId('document-row').count(), { timeout: 10_000 }).toBe(1);
  await page.getByLabel('Search by name').fill('');
  await expect.poll(() => page.getByTestId('document-row').count(), { timeout: 10_000 }).toBe(3);

  // Dismissing the refused uploads leaves the failed processing visible in the list only.
  await page.getByRole('button', { name: 'Clear finished' }).click();
  expect(await page.getByTestId('upload-item').count()).toBe(0);
  // The page scrolls inside <main>: a tall window shows all of it.
  await page.setViewportSize({ width: 1280, height: 1300 });
  await page.locator('main').evaluate((main) => main.scrollTo(0, 0));
  await screenshot(page, 'documents');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('main').evaluate((main) => main.scrollTo(0, 0));
  await page.getByTestId('document-row').first().waitFor();
  await screenshot(page, 'documents-phone');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Delete asks first; the document leaves the list and the API.
  const files = (await suite.t.call('GET', '/api/v1/files', user.token)).body.files as Array<{
    id: string;
    original_filename: string;
  }>;
  const csvId = files.find((file) => file.original_filename === 'prices.csv')!.id;
  await page.getByRole('button', { name: 'Delete prices.csv' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete document?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => row(page, 'prices.csv').count()).toBe(0);
  expect((await suite.t.call('GET', `/api/v1/files/${csvId}`, user.token)).status).toBe(404);

  expect(unexpectedConsoleErrors(watch)).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
  await context.close();

  // Another user, in their own workspace, sees none of it.
  const other = await suite.t.createUser('user');
  const second = await openApp(suite.browser, suite.t.url);
  await openDocuments(second.page, other.email);
  await second.page.getByText('No documents yet — drop files here').waitFor();
  expect(await second.page.getByText('travel-policy.md').count()).toBe(0);
  expect((await suite.t.call('GET', '/api/v1/files', other.token)).body.total).toBe(0);
  expect(second.watch.consoleErrors).toEqual([]);
  expect(second.watch.pageErrors).toEqual([]);
  await second.context.close();
});

it('lets a viewer read but not upload', async () => {
  const viewer = await suite.t.createUser('viewer');
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await openDocuments(page, viewer.email);
  await page.getByTestId('upload-disabled').waitFor();
  expect(await page.getByTestId('upload-disabled').textContent()).toContain(
    'can read documents but not upload',
  );
  expect(await page.getByRole('button', { name: 'Choose files' }).count()).toBe(0);
  await page.getByText('No documents yet.').waitFor();
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  await context.close();
});

it('lets a manager create a workspace, and shows a reader that they cannot add to it', async () => {
  const manager = await suite.t.createUser('manager');
  const reader = await suite.t.createUser('user');
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await openDocuments(page, manager.email);
  await page.getByRole('button', { name: 'New workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'New workspace' });
  await dialog.getByLabel('Name').fill('Sales team');
  await dialog.getByLabel('Description (optional)').fill('Price lists and offers');
  await dialog.getByRole('button', { name: 'Create' }).click();
  const chip = page.getByRole('button', { name: /Sales team/ });
  await expect.poll(() => chip.getAttribute('aria-pressed')).toBe('true');
  expect(await chip.textContent()).toContain('Owner · 1 member');
  // The new workspace is the upload target while it is the one shown.
  const target = page.getByLabel('Upload to');
  await expect.poll(() => target.locator('option:checked').textContent()).toBe('Sales team');
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  await context.close();

  const workspaces = (await suite.t.call('GET', '/api/v1/workspaces', manager.token)).body
    .workspaces as Array<{
    id: string;
    name: string;
  }>;
  const sales = workspaces.find((workspace) => workspace.name === 'Sales team')!;
  expect(
    (
      await suite.t.call('PUT', `/api/v1/workspaces/${sales.id}/members/${reader.id}`, manager.token, {
        role: 'reader',
      })
    ).status,
  ).toBe(200);

  const second = await openApp(suite.browser, suite.t.url);
  await openDocuments(second.page, reader.email);
  const readerChip = second.page.getByRole('button', { name: /Sales team/ });
  await expect.poll(() => readerChip.textContent()).toContain('Reader · 2 members');
  await readerChip.click();
  await expect
    .poll(() => second.page.getByTestId('read-only-workspace').textContent())
    .toContain('You are a reader in “Sales team”');
  const options = await second.page.getByLabel('Upload to').locator('option').allTextContents();
  expect(options).not.toContain('Sales team');
  expect(second.watch.consoleErrors).toEqual([]);
  expect(second.watch.pageErrors).toEqual([]);
  await second.context.close();
});
