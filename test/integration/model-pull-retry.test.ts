import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../helpers/shared-models.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const STORIES_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';

/**
 * A hub whose connection breaks: the first request for /flaky.gguf gets half of the tiny model and
 * then a dropped connection; later ones get what they ask for (a Range request gets the rest).
 * /always-500.gguf always fails; /hang.gguf sends the GGUF magic and then nothing.
 */
async function startFlakyHub() {
  const bytes = readFileSync(storiesModel());
  const half = Math.floor(bytes.length / 2);
  const ranges: (string | undefined)[] = [];
  let flakyRequests = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === '/always-500.gguf') return void response.writeHead(500).end('upstream trace');
    if (request.url === '/hang.gguf') {
      response.writeHead(200, { 'content-length': bytes.length });
      return void response.write(bytes.subarray(0, 1024));
    }
    if (request.url !== '/flaky.gguf') return void response.writeHead(404).end();
    ranges.push(request.headers.range);
    if (++flakyRequests === 1) {
      response.writeHead(200, { 'content-length': bytes.length });
      response.write(bytes.subarray(0, half), () => response.destroy());
      return;
    }
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const headers = { 'content-length': bytes.length - start };
    if (start === 0) return void response.writeHead(200, headers).end(bytes);
    response
      .writeHead(206, { ...headers, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` })
      .end(bytes.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, port, half, ranges, server };
}

let t: TestApp;
let hub: Awaited<ReturnType<typeof startFlakyHub>>;
let admin: string;

beforeAll(async () => {
  hub = await startFlakyHub();
  t = await startTestApp({ model: false, env: { MODEL_PULL_ALLOWED_HOSTS: `127.0.0.1:${hub.port}` } });
  admin = await t.adminToken();
});
afterAll(async () => {
  await t.close();
  hub.server.closeAllConnections();
  hub.server.close();
});

async function waitWhileDownloading(id: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { body } = await t.call('GET', `/api/v1/models/downloads/${id}`, admin);
    if (body.status !== 'downloading') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('download did not finish');
}

const listed = async () =>
  (await t.call('GET', '/api/v1/models/downloads', admin)).body.downloads as { id: string; name: string }[];

describe('a failed model pull: retry and dismiss', () => {
  it('retries the same pull, resuming its partial file, and registers the model', async () => {
    const started = await t.call('POST', '/api/v1/models/pull', admin, {
      name_or_url: `${hub.url}/flaky.gguf`,
      sha256: STORIES_SHA256,
    });
    const failed = await waitWhileDownloading(started.body.id);
    expect(failed).toMatchObject({ status: 'failed', error_code: 'DOWNLOAD_FAILED' });
    expect(failed.error).toMatch(/^DOWNLOAD_FAILED: /);

    const retried = await t.call('POST', `/api/v1/models/downloads/${failed.id}/retry`, admin);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({
      id: failed.id,
      status: 'downloading',
      error: null,
      error_code: null,
    });
    const done = await waitWhileDownloading(failed.id);
    expect(done).toMatchObject({ status: 'completed', bytes_done: 1_185_376, error: null });
    // The second request asked only for the bytes the first one did not deliver (how much of the
    // first half arrived before the connection dropped depends on the socket's buffers).
    expect(hub.ranges).toHaveLength(2);
    expect(hub.ranges[0]).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(hub.ranges[1] ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(hub.half);
    expect((await listed()).filter((download) => download.name === 'flaky')).toHaveLength(1);
    const models = (await t.call('GET', '/api/v1/models', admin)).body.models;
    expect(models.find((model: any) => model.id === done.model_id)).toMatchObject({
      name: 'flaky',
      sha256: STORIES_SHA256,
      source: 'registry',
    });
  });

  it('retries only a failed download', async () => {
    const completed = (await listed()).find((download) => download.name === 'flaky')!;
    const again = await t.call('POST', `/api/v1/models/downloads/${completed.id}/retry`, admin);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect((await t.call('POST', '/api/v1/models/downloads/no-such-id/retry', admin)).status).toBe(404);
  });

  it('dismisses a failed pull for good; a running one stays; only admins may', async () => {
    const started = await t.call('POST', '/api/v1/models/pull', admin, {
      name_or_url: `${hub.url}/always-500.gguf`,
    });
    const failed = await waitWhileDownloading(started.body.id);
    expect(failed.status).toBe('failed');
    const manager = await t.createUser('manager');
    expect(
      (await t.call('POST', `/api/v1/models/downloads/${failed.id}/dismiss`, manager.token)).status,
    ).toBe(403);
    expect((await t.call('POST', `/api/v1/models/downloads/${failed.id}/retry`, manager.token)).status).toBe(
      403,
    );
    expect((await listed()).map((download) => download.id)).toContain(failed.id);

    const dismissed = await t.call('POST', `/api/v1/models/downloads/${failed.id}/dismiss`, admin);
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.dismissed_at).toEqual(expect.any(String));
    expect((await listed()).map((download) => download.id)).not.toContain(failed.id);
    // Still on record, and a retry brings it back.
    expect((await t.call('GET', `/api/v1/models/downloads/${failed.id}`, admin)).body.status).toBe('failed');
    expect((await t.call('POST', `/api/v1/models/downloads/${failed.id}/retry`, admin)).status).toBe(202);
    expect((await listed()).map((download) => download.id)).toContain(failed.id);
    await waitWhileDownloading(failed.id);

    const hanging = await t.call('POST', '/api/v1/models/pull', admin, {
      name_or_url: `${hub.url}/hang.gguf`,
    });
    const refused = await t.call('POST', `/api/v1/models/downloads/${hanging.body.id}/dismiss`, admin);
    expect(refused.status).toBe(409);
    expect((await listed()).map((download) => download.id)).toContain(hanging.body.id);
  });

  it('names an interruption by the server with its own code, old rows included', async () => {
    const repository = t.runtime.services.repositories.modelDownloads;
    const row = {
      name: 'old',
      url: `${hub.url}/old.gguf`,
      file_name: 'old.gguf',
      expected_sha256: null,
      status: 'downloading' as const,
      bytes_done: 10,
      bytes_total: null,
      error: null,
      model_id: null,
      created_by: null,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      dismissed_at: null,
      catalog_id: null,
    };
    await repository.insert({ ...row, id: 'interrupted-now' });
    await t.runtime.services.modelDownloads.recoverInterrupted();
    await repository.insert({
      ...row,
      id: 'interrupted-before',
      status: 'failed',
      error: 'Interrupted by a restart; pull again to resume',
    });
    for (const id of ['interrupted-now', 'interrupted-before']) {
      const download = (await t.call('GET', `/api/v1/models/downloads/${id}`, admin)).body;
      expect(download, id).toMatchObject({ status: 'failed', error_code: 'DOWNLOAD_INTERRUPTED' });
    }
  });
});
