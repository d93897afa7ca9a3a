import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIG_MODEL_BYTES, startModelHub, type ModelHub } from '../helpers/model-hub.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let hub: ModelHub;
/** Another local HTTP service, not on the allow-list: what an SSRF would reach for. */
let internal: ModelHub;
let hubUrl: string;

beforeAll(async () => {
  hub = await startModelHub();
  internal = await startModelHub();
  hubUrl = hub.url;
  t = await startTestApp({
    model: false,
    // Listening, so a redirect can point at the API itself. Only the hub's own address and port are
    // allowed: the API and every other loopback service stay out of reach. 0.01 GiB ≈ 10.7 MB.
    listen: true,
    env: { MODEL_PULL_ALLOWED_HOSTS: `127.0.0.1:${hub.port}`, MODEL_PULL_MAX_GB: '0.01' },
  });
});
afterAll(async () => {
  hub.close();
  internal.close();
  await t.close();
});
beforeEach(() => {
  internal.requests.length = 0;
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

  it('records a failed download with a stable code, never the upstream status or body', async () => {
    const admin = await t.adminToken();
    for (const path of ['/missing.gguf', '/broken.gguf']) {
      const started = await t.call('POST', '/api/v1/models/pull', admin, { name_or_url: `${hubUrl}${path}` });
      const finished = await waitForDownload(started.body.id, admin);
      expect(finished.status).toBe('failed');
      expect(finished.error).toMatch(/^DOWNLOAD_FAILED: /);
      // Whole numbers only: the message names the hub's host, whose random port may contain "500".
      expect(finished.error).not.toMatch(/\b(404|500)\b|hub-secret/);
      expect(finished.error).toContain(`127.0.0.1:${hub.port} answered with an HTTP error`);
    }
  });

  it('names the host and the cause when the server cannot reach the hub, and how to install by hand', async () => {
    // .invalid never resolves (RFC 2606): what an offline server gets for huggingface.co. The guard
    // lets an unresolvable name through its early check; the connection's own lookup then fails.
    const finished = await pullToEnd('http://nonexistent.invalid/models/tiny.gguf');
    expect(finished).toMatchObject({ status: 'failed', model_id: null });
    expect(finished.error).toMatch(
      /^DOWNLOAD_FAILED: could not reach nonexistent\.invalid: the host name .*\((ENOTFOUND|EAI_AGAIN)/,
    );
    expect(finished.error).toContain('npx privatestack models add <file>');
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

/** Starts a pull and waits for its end; the download as the API then shows it. */
async function pullToEnd(nameOrUrl: string) {
  const admin = await t.adminToken();
  const started = await t.call('POST', '/api/v1/models/pull', admin, { name_or_url: nameOrUrl });
  expect(started.status).toBe(202);
  return waitForDownload(started.body.id, admin);
}

/** Files in MODELS_DIR other than the tiny model earlier tests pulled. */
const strayFiles = () =>
  readdirSync(t.runtime.services.config.storage.modelsDir).filter((file) => file !== 'stories260K.gguf');

describe('model pull: server-side request forgery', () => {
  it('refuses loopback in every spelling, and localhost, without contacting it', async () => {
    const admin = await t.adminToken();
    const port = internal.port;
    const spellings = [
      `http://127.0.0.1:${port}/m.gguf`,
      `http://[::ffff:127.0.0.1]:${port}/m.gguf`,
      `http://0x7f000001:${port}/m.gguf`,
      `http://2130706433:${port}/m.gguf`,
      `http://127.1:${port}/m.gguf`,
      `http://0177.0.0.1:${port}/m.gguf`,
      `http://localhost:${port}/m.gguf`,
      `http://0.0.0.0:${port}/m.gguf`,
      `http://[::]:${port}/m.gguf`,
      `http://[::1]:${port}/m.gguf`,
      `http://169.254.169.254/latest/meta-data/m.gguf`,
      `http://10.0.0.1/m.gguf`,
    ];
    for (const url of spellings) {
      const answer = await t.call('POST', '/api/v1/models/pull', admin, { name_or_url: url });
      expect(answer.status, url).toBe(400);
      expect(answer.body.error.code, url).toBe('MODEL_PULL_BLOCKED');
      // One answer for every reason: the class of address is not told (it would map internal names).
      expect(answer.body.error.message, url).not.toMatch(/loopback|private|linkLocal|unspecified|address\)/i);
    }
    expect(internal.requests).toEqual([]);
  });

  it('does not follow a redirect to the API itself or to another local service', async () => {
    const targets = [`${t.url}/health`, `${t.url}/api/v1/users`, `${internal.url}/stories260K.gguf`];
    for (const target of targets) {
      const finished = await pullToEnd(`${hubUrl}/moved.gguf?to=${encodeURIComponent(target)}`);
      expect(finished.status, target).toBe('failed');
      expect(finished.error, target).toMatch(/^MODEL_PULL_BLOCKED: /);
      expect(finished.error, target).not.toMatch(/401|200|health|status/i);
      expect(finished.model_id).toBeNull();
    }
    expect(internal.requests).toEqual([]);
    expect(strayFiles()).toEqual([]);
  });

  it('refuses a body that is not a GGUF and echoes none of it', async () => {
    const finished = await pullToEnd(`${hubUrl}/status.gguf`);
    expect(finished).toMatchObject({ status: 'failed', model_id: null });
    expect(finished.error).toMatch(/^NOT_A_GGUF: /);
    expect(finished.error).not.toContain('hub-secret');
    expect(strayFiles()).toEqual([]);
  });

  it('stops a download at MODEL_PULL_MAX_GB and keeps nothing of it', async () => {
    const finished = await pullToEnd(`${hubUrl}/big.gguf`);
    expect(finished).toMatchObject({ status: 'failed', model_id: null });
    expect(finished.error).toMatch(/^MODEL_TOO_LARGE: /);
    expect(hub.bigBytesSent()).toBeLessThan(BIG_MODEL_BYTES);
    expect(strayFiles()).toEqual([]);
  });
});
