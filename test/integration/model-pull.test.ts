import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHub } from '../helpers/model-hub.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let hub: Awaited<ReturnType<typeof startModelHub>>;
let hubUrl: string;

beforeAll(async () => {
  t = await startTestApp({ model: false });
  hub = await startModelHub();
  hubUrl = hub.url;
});
afterAll(async () => {
  hub.close();
  await t.close();
});

async function waitForDownload(id: string, token: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { body } = await t.call('GET', `/api/v1/models/downloads/${id}`, token);
    if (body.status !== 'downloading') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('download did not finish');
}

describe('model pull over the admin API', () => {
  it('downloads in the background, verifies, registers, and the model can then be loaded', async () => {
    const admin = await t.adminToken();
    expect((await t.call('GET', '/health', admin)).body.model).toBeNull();
    const started = await t.call('POST', '/api/v1/models/pull', admin, {
      name_or_url: `${hubUrl}/stories260K.gguf`,
      sha256: '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d',
    });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('downloading');
    const finished = await waitForDownload(started.body.id, admin);
    expect(finished).toMatchObject({ status: 'completed', bytes_done: 1_185_376, error: null });

    const models = (await t.call('GET', '/api/v1/models', admin)).body.models;
    expect(models.find((model: any) => model.id === finished.model_id)).toMatchObject({
      name: 'stories260K',
      sha256: '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d',
      present: true,
    });
    const loaded = await t.call('POST', `/api/v1/models/${finished.model_id}/load`, admin);
    expect(loaded.body.is_active).toBe(true);
    expect((await t.call('GET', '/health', admin)).body.model.id).toBe('stories260K');
  });

  it('records a failed download with its reason', async () => {
    const admin = await t.adminToken();
    const started = await t.call('POST', '/api/v1/models/pull', admin, {
      name_or_url: `${hubUrl}/missing.gguf`,
    });
    const finished = await waitForDownload(started.body.id, admin);
    expect(finished.status).toBe('failed');
    expect(finished.error).toContain('404');
  });

  it('rejects a hash mismatch without registering the file', async () => {
    const admin = await t.adminToken();
    const started = await t.call('POST', '/api/v1/models/pull', admin, {
      name_or_url: `${hubUrl}/stories260K.gguf`,
      sha256: '0'.repeat(64),
    });
    const finished = await waitForDownload(started.body.id, admin);
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/sha-?256/i);
    expect(finished.model_id).toBeNull();
    const modelsDir = t.runtime.services.config.storage.modelsDir;
    const { readdirSync } = await import('node:fs');
    expect(
      readdirSync(modelsDir).filter((file) => file.startsWith('stories260K') && !file.endsWith('.gguf')),
    ).toEqual([]);
  });

  it('is admin-only and validates its input', async () => {
    const user = await t.createUser('manager');
    expect(
      (await t.call('POST', '/api/v1/models/pull', user.token, { name_or_url: 'qwen2.5-0.5b-instruct' }))
        .status,
    ).toBe(403);
    const admin = await t.adminToken();
    expect(
      (await t.call('POST', '/api/v1/models/pull', admin, { name_or_url: 'no-such-model' })).status,
    ).toBe(404);
    expect(
      (await t.call('POST', '/api/v1/models/pull', admin, { name_or_url: `${hubUrl}/notes.txt` })).status,
    ).toBe(400);
    expect(
      (await t.call('POST', '/api/v1/models/pull', admin, { name_or_url: 'file:///etc/passwd' })).status,
    ).toBe(400);
  });
});
