import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORIES_BYTES, STORIES_SHA256, writeStoriesCatalog } from '../helpers/model-hub.js';
import { storiesModel } from '../helpers/shared-models.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Review of issue #10 item 10: the offline message says "set MODEL_HUB_URL to a mirror and pull
// again"; Retry of a pull by catalogue id must then go to the mirror, not the URL of the first try.
const ID = 'qwen2.5-0.5b-instruct';

/** A hub serving the tiny model at every path with Range support; `breaks`: half, then a dropped connection. */
async function startHub(breaks: boolean) {
  const bytes = readFileSync(storiesModel());
  const ranges: (string | undefined)[] = [];
  const server: Server = createServer((request, response) => {
    ranges.push(request.headers.range);
    if (breaks) {
      response.writeHead(200, { 'content-length': bytes.length });
      return void response.write(bytes.subarray(0, bytes.length / 2), () => response.destroy());
    }
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const headers = { 'content-length': bytes.length - start };
    if (start === 0) return void response.writeHead(200, headers).end(bytes);
    const range = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    response.writeHead(206, { ...headers, 'content-range': range }).end(bytes.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  return { url, ranges, close };
}

let dataDir: string;
let catalogFile: string;
const closers: (() => unknown)[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-retry-hub-'));
  catalogFile = writeStoriesCatalog(dataDir, ID);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The app over the shared DATA_DIR with MODEL_HUB_URL at `hubUrl` (a restart after a config change). */
async function startApp(hubUrl: string) {
  const t = await startTestApp({
    model: false,
    dataDir,
    env: { MODEL_HUB_URL: hubUrl, MODEL_CATALOG_FILE: catalogFile },
  });
  closers.push(() => t.close());
  return t;
}

async function waitWhileDownloading(t: TestApp, token: string, id: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { body } = await t.call('GET', `/api/v1/models/downloads/${id}`, token);
    if (body.status !== 'downloading') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('download did not finish');
}

describe('Retry of a pull by catalogue id after MODEL_HUB_URL changed', () => {
  let failedId: string;

  it('fails on the first hub', async () => {
    const broken = await startHub(true);
    closers.push(broken.close);
    const t = await startApp(broken.url);
    const admin = await t.adminToken();
    const started = await t.call('POST', '/api/v1/models/pull', admin, { name_or_url: ID });
    expect(started.status).toBe(202);
    const failed = await waitWhileDownloading(t, admin, started.body.id);
    expect(failed).toMatchObject({ status: 'failed', error_code: 'DOWNLOAD_FAILED' });
    expect(failed.url.startsWith(`${broken.url}/`)).toBe(true);
    failedId = failed.id;
    await t.close();
    broken.close();
  });

  it('retries from the hub configured now, resuming the part under the same pin', async () => {
    const mirror = await startHub(false);
    closers.push(mirror.close);
    const t = await startApp(mirror.url);
    const admin = await t.adminToken();

    const retried = await t.call('POST', `/api/v1/models/downloads/${failedId}/retry`, admin);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: failedId, status: 'downloading', name: ID });
    expect(retried.body.url.startsWith(`${mirror.url}/`)).toBe(true);
    const done = await waitWhileDownloading(t, admin, failedId);
    expect(done).toMatchObject({ status: 'completed', error: null, bytes_done: STORIES_BYTES });
    // One request, for the bytes the first hub did not deliver: the part of the same pinned file resumed.
    expect(mirror.ranges).toHaveLength(1);
    expect(Number(/^bytes=(\d+)-$/.exec(mirror.ranges[0] ?? '')?.[1])).toBeGreaterThan(0);
    const models = (await t.call('GET', '/api/v1/models', admin)).body.models;
    expect(models.find((model: { id: string }) => model.id === done.model_id)).toMatchObject({
      name: ID,
      sha256: STORIES_SHA256,
    });
  });

  it('refuses with a clear conflict when the catalogue no longer has the id', async () => {
    const t = await startApp('http://127.0.0.1:9');
    const now = new Date().toISOString();
    await t.runtime.services.repositories.modelDownloads.insert({
      id: 'gone-from-catalogue',
      name: 'retired-model',
      url: 'http://127.0.0.1:9/o/r/resolve/main/retired.gguf',
      file_name: 'retired.gguf',
      expected_sha256: STORIES_SHA256,
      status: 'failed',
      bytes_done: 0,
      bytes_total: STORIES_BYTES,
      error: 'DOWNLOAD_FAILED: the download failed; the server log has the details',
      model_id: null,
      created_by: null,
      created_at: now,
      updated_at: now,
      dismissed_at: null,
      catalog_id: 'retired-model',
    });
    const retried = await t.call(
      'POST',
      '/api/v1/models/downloads/gone-from-catalogue/retry',
      await t.adminToken(),
    );
    expect(retried.status).toBe(409);
    expect(retried.body.error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/no longer has 'retired-model'/),
    });
  });
});
