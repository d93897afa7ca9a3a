// Issue 10 item 10, in a real browser against the real server: the model MODEL_PATH names shows in
// Admin → Models (badged, not deletable), a failed pull shows at its button with Retry (the same pull,
// which then completes) and Dismiss (gone for good, also after a reload), and the screen in Indonesian.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { storiesModel } from '../helpers/shared-models.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/test-app.js';
import { admin as adminEn } from '../../web/src/i18n/en/admin.js';
import { catalogDescriptions } from '../../web/src/i18n/id/catalog.js';
import { openApp, screenshot, signIn } from './browser.js';
import { browserSuite } from './suite.js';

const CATALOG_NAME = 'qwen2.5-0.5b-instruct';
// Loaded at run time: the Indonesian strings import their English twin without a file extension,
// which this folder's Node-style module resolution would refuse to type-check.
const ID_ADMIN_MODULE: string = '../../web/src/i18n/id/admin.js';
const adminId = async () => ((await import(ID_ADMIN_MODULE)) as { admin: Record<string, string> }).admin;

/** A local hub: /flaky.gguf answers 500 while `failing` is set, then the tiny model; /always-500.gguf fails. */
async function startHub() {
  const bytes = readFileSync(storiesModel());
  const hub = { url: '', server: undefined as unknown as Server, failing: true };
  hub.server = createServer((request, response) => {
    if (request.url === '/flaky.gguf' && !hub.failing) {
      return void response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    }
    if (request.url === '/flaky.gguf' || request.url === '/always-500.gguf')
      return void response.writeHead(500).end('upstream trace');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => hub.server.listen(0, '127.0.0.1', resolve));
  const address = hub.server.address();
  hub.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return hub;
}

/** The organisation's MODEL_CATALOG_FILE replaces this built-in entry with its own text, no context length or licence. */
const ORGANISATION_ID = 'tinyllama-1.1b-chat';
const ORGANISATION_TEXT = 'Approved by IT: TinyLlama from the office mirror, for short drafts';
function writeOrganisationCatalog(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'privatestack-e2e-catalog-')), 'catalog.json');
  const model = {
    id: ORGANISATION_ID,
    file_name: 'tinyllama-office.gguf',
    repository: 'office/tinyllama',
    revision: 'v1',
    size_bytes: 1_185_376,
    sha256: '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d',
    description: ORGANISATION_TEXT,
  };
  writeFileSync(file, JSON.stringify({ models: [model] }));
  return file;
}

let hub: Awaited<ReturnType<typeof startHub>>;
// The hub listens on loopback, which model pulls refuse unless the operator allows the host.
const suite = browserSuite({
  env: { MODEL_PULL_ALLOWED_HOSTS: '127.0.0.1', MODEL_CATALOG_FILE: writeOrganisationCatalog() },
});
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => {
  hub?.server.close();
});

/** What the server records when it cannot resolve the hub (model-downloads.service's wording). */
const OFFLINE_CAUSE =
  'could not reach huggingface.co: the host name does not resolve (ENOTFOUND: DNS lookup failed). ' +
  'Without internet on this server: download the file on another machine, copy it onto the server ' +
  'and run `npx privatestack models add <file>`';

/** A failed catalogue pull as a server without internet would record it (no request leaves the test). */
async function recordFailedCatalogPull() {
  const now = new Date().toISOString();
  await suite.t.runtime.services.repositories.modelDownloads.insert({
    id: `catalog-failure-${Date.now()}`,
    name: CATALOG_NAME,
    url: 'https://huggingface.co/bartowski/Qwen2.5-0.5B-Instruct-GGUF/resolve/x/model.gguf',
    file_name: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf',
    expected_sha256: null,
    status: 'failed',
    bytes_done: 0,
    bytes_total: 397_808_192,
    error: `DOWNLOAD_FAILED: ${OFFLINE_CAUSE}`,
    model_id: null,
    created_by: null,
    created_at: now,
    updated_at: now,
    dismissed_at: null,
    catalog_id: null,
  });
}

/** Signs in as the admin and opens Admin → Models (tab names in the page's language). */
async function openModels(
  page: Page,
  labels = { main: 'Main navigation', admin: 'Admin', sections: 'Admin sections', models: 'Models' },
) {
  await page.goto('/');
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole('navigation', { name: labels.main }).getByRole('link', { name: labels.admin }).click();
  await page
    .getByRole('navigation', { name: labels.sections })
    .getByRole('link', { name: labels.models })
    .click();
  await page.getByTestId('loaded-model').waitFor();
}

/** A screenshot of the whole console: the shell scrolls inside <main>, so grow the window to fit it first. */
async function shot(page: Page, name: string) {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.evaluate<number>("document.querySelector('main').scrollHeight");
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 60) });
  await screenshot(page, name);
  await page.setViewportSize(viewport);
}

const downloadNames = async (token: string) =>
  (await suite.t.call('GET', '/api/v1/models/downloads', token)).body.downloads.map((d: any) => d.name);

describe('admin → models', () => {
  it('shows the configured model; a failed pull has Retry and Dismiss at its button', async () => {
    const token = await suite.t.adminToken();
    await recordFailedCatalogPull();
    const { page, watch, context } = await openApp(suite.browser, suite.t.url);
    await openModels(page);

    // The model MODEL_PATH names is in the registry, badged, loaded, and cannot be deleted.
    const registry = page.getByRole('region', { name: 'Registered models' });
    const configured = registry.getByRole('listitem').filter({ hasText: 'stories260K' });
    expect(await configured.locator('.badge').allTextContents()).toEqual(['From MODEL_PATH', 'Loaded']);
    expect(await configured.textContent()).toContain('cannot be deleted here');
    expect(await registry.getByRole('button', { name: 'Delete stories260K' }).count()).toBe(0);
    expect(await page.getByText('No models are registered yet').count()).toBe(0);

    // A pull from a URL whose server answers 500: the failure shows under the Pull button.
    const form = page.getByRole('region', { name: 'Pull from a URL' });
    await form.getByLabel('URL of a .gguf file').fill(`${hub.url}/flaky.gguf`);
    await form.getByRole('button', { name: 'Pull', exact: true }).click();
    const failure = form.getByTestId('pull-failure');
    await failure.waitFor({ timeout: 15_000 });
    expect(await failure.getByRole('alert').textContent()).toBe(
      'The pull of flaky failed. The server could not fetch the file. Retry resumes where it stopped. ' +
        `Server says: ${new URL(hub.url).host} answered with an HTTP error (the server log has the status)`,
    );
    // The catalogue entry whose pull failed says so where its Pull button was.
    const entry = page.getByTestId('catalog-entry').filter({ hasText: CATALOG_NAME });
    expect(await entry.getByRole('alert').textContent()).toContain(`The pull of ${CATALOG_NAME} failed.`);
    expect(await entry.getByRole('button', { name: `Pull ${CATALOG_NAME}` }).count()).toBe(0);
    await shot(page, 'admin-models-pull-failed');

    // Retry runs the same pull again; this time the hub answers and the model is registered.
    hub.failing = false;
    await form.getByRole('button', { name: 'Retry the pull of flaky' }).click();
    await expect
      .poll(() => form.getByRole('status').textContent(), { timeout: 15_000 })
      .toBe('flaky is downloaded and registered.');
    await registry.getByRole('listitem').filter({ hasText: 'flaky' }).waitFor();
    expect((await downloadNames(token)).filter((name: string) => name === 'flaky')).toHaveLength(1);

    // Dismiss: the failure leaves the button and the downloads list, and stays gone after a reload.
    await form.getByLabel('URL of a .gguf file').fill(`${hub.url}/always-500.gguf`);
    await form.getByRole('button', { name: 'Pull', exact: true }).click();
    await form.getByTestId('pull-failure').waitFor({ timeout: 15_000 });
    const downloads = page.getByRole('region', { name: 'Downloads' });
    await downloads.getByTestId('download').filter({ hasText: 'always-500' }).waitFor();
    await form.getByRole('button', { name: 'Dismiss the failed pull of always-500' }).click();
    await expect.poll(() => form.getByTestId('pull-failure').count()).toBe(0);
    await expect
      .poll(() => downloads.getByTestId('download').filter({ hasText: 'always-500' }).count())
      .toBe(0);
    await entry.getByRole('button', { name: `Dismiss the failed pull of ${CATALOG_NAME}` }).click();
    await entry.getByRole('button', { name: `Pull ${CATALOG_NAME}` }).waitFor();
    await page.reload();
    await page.getByTestId('loaded-model').waitFor();
    await downloads.getByTestId('download').filter({ hasText: 'flaky' }).waitFor();
    expect(await downloads.getByTestId('download').filter({ hasText: 'always-500' }).count()).toBe(0);
    expect(await entry.getByRole('alert').count()).toBe(0);
    expect(await downloadNames(token)).not.toContain('always-500');
    await shot(page, 'admin-models-config');

    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.outsideRequests()).toEqual([]);
    await context.close();
  });

  it('reads in Indonesian: the loaded model, the configured badge, failures and every built-in catalogue description', async () => {
    await recordFailedCatalogPull();
    const id = await adminId();
    const { page, watch, context } = await openApp(suite.browser, suite.t.url, { locale: 'id-ID' });
    await openModels(page, {
      main: 'Navigasi utama',
      admin: 'Admin',
      sections: 'Bagian admin',
      models: 'Model',
    });

    expect(await page.getByRole('heading', { name: 'Sedang aktif' }).count()).toBe(1);
    expect(await page.getByTestId('loaded-model').locator('.badge').textContent()).toBe('Aktif');
    const configured = page
      .getByRole('region', { name: 'Model terdaftar' })
      .getByRole('listitem')
      .filter({ hasText: 'stories260K' });
    expect(await configured.locator('.badge').allTextContents()).toEqual(['Dari MODEL_PATH', 'Aktif']);

    const entry = page.getByTestId('catalog-entry').filter({ hasText: CATALOG_NAME });
    expect(await entry.getByRole('alert').textContent()).toBe(
      `Unduhan ${CATALOG_NAME} gagal. ${id['admin.models.failure.DOWNLOAD_FAILED']} Keterangan server: ${OFFLINE_CAUSE}`,
    );
    expect(await entry.getByRole('button', { name: `Coba lagi unduhan ${CATALOG_NAME}` }).count()).toBe(1);
    expect(
      await entry.getByRole('button', { name: `Abaikan unduhan ${CATALOG_NAME} yang gagal` }).count(),
    ).toBe(1);

    // Every built-in catalogue entry in Indonesian; the server's English descriptions nowhere.
    const entries = page.getByTestId('catalog-entry');
    await expect.poll(() => entries.count()).toBe(Object.keys(catalogDescriptions).length);
    for (const [name, description] of Object.entries(catalogDescriptions)) {
      if (name === ORGANISATION_ID) continue;
      const text = await entries.filter({ hasText: name }).getByTestId('catalog-description').textContent();
      expect(text, name).toBe(description);
    }
    // The organisation's replacement shows its own text as written (not the built-in translation),
    // badged, with its unstated context length and licence said in Indonesian.
    const organisation = entries.filter({ hasText: ORGANISATION_ID });
    expect(await organisation.getByTestId('catalog-description').textContent()).toBe(ORGANISATION_TEXT);
    expect(await organisation.locator('.badge').allTextContents()).toEqual(['Chat', 'Organisasi Anda']);
    const details = (await organisation.getByTestId('catalog-details').textContent()) ?? '';
    expect(details).toContain('konteks tidak diketahui');
    expect(details).toContain('lisensi: lihat penerbit');
    expect(details).not.toMatch(/konteks 0|see the publisher/);
    // No English string of the models screen is left (the ones both languages share, such as "Chat", aside).
    const main = (await page.locator('main').textContent()) ?? '';
    const english = Object.entries(adminEn)
      .filter(([key, value]) => key.startsWith('admin.models.') && !value.includes('{'))
      .filter(([key, value]) => id[key] !== value)
      .map(([, value]) => value);
    expect(english.filter((value) => main.includes(value))).toEqual([]);
    expect(main).not.toMatch(/Loaded now|Registered models|Downloads|Catalogue|Completed|Retry|Dismiss/);
    await shot(page, 'admin-models-id');

    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.outsideRequests()).toEqual([]);
    await context.close();
  });
});
