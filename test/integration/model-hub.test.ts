import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../src/modules/models/model-catalog.js';
import { startModelHub, STORIES_SHA256, writeStoriesCatalog, type ModelHub } from '../helpers/model-hub.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Issue #10 item 1: catalogue downloads from MODEL_HUB_URL (an internal mirror, trusted configuration)
// and an organisation's own entries from MODEL_CATALOG_FILE, verified by their pinned SHA-256.
const ID = 'qwen2.5-0.5b-instruct';
let hub: ModelHub;
let t: TestApp;
let folder: string;

beforeAll(async () => {
  hub = await startModelHub();
  folder = mkdtempSync(path.join(tmpdir(), 'privatestack-hub-'));
  // No MODEL_PULL_ALLOWED_HOSTS: the hub on 127.0.0.1 is reachable only because it is MODEL_HUB_URL.
  t = await startTestApp({
    model: false,
    env: { MODEL_HUB_URL: `${hub.url}/`, MODEL_CATALOG_FILE: writeStoriesCatalog(folder, ID) },
  });
});
afterAll(async () => {
  hub.close();
  await t.close();
  rmSync(folder, { recursive: true, force: true });
});

async function pullAndWait(nameOrUrl: string, token: string) {
  const started = await t.call('POST', '/api/v1/models/pull', token, { name_or_url: nameOrUrl });
  if (started.status !== 202) return started.body;
  for (let attempt = 0; attempt < 400; attempt++) {
    const { body } = await t.call('GET', `/api/v1/models/downloads/${started.body.id}`, token);
    if (body.status !== 'downloading') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('download did not finish');
}

describe('MODEL_HUB_URL and MODEL_CATALOG_FILE', () => {
  it('lists catalogue URLs under the hub, with the file entry replacing the built-in one', async () => {
    const { body } = await t.call('GET', '/api/v1/models/catalog', await t.adminToken());
    const entry = body.models.find((model: { name: string }) => model.name === ID);
    const builtIn = findCatalogEntry(ID)!;
    // The file's entry says it is the organisation's, and what it does not state is null, not a
    // made-up default (review of item 10: clients translate only built-in text).
    expect(entry).toMatchObject({
      sha256: STORIES_SHA256,
      size_bytes: 1_185_376,
      source: 'organisation',
      context_length: null,
      licence: null,
    });
    const others = body.models.filter((model: { name: string }) => model.name !== ID);
    expect(others.every((model: { source: string }) => model.source === 'builtin')).toBe(true);
    expect(others.every((model: { context_length: number }) => model.context_length > 0)).toBe(true);
    expect(entry.url).toBe(
      `${hub.url}/${builtIn.repository}/resolve/${builtIn.revision}/${builtIn.fileName}`,
    );
    expect(body.models.every((model: { url: string }) => model.url.startsWith(`${hub.url}/`))).toBe(true);
  });

  it('pulls a catalogue id from an internal hub, verifies it, and loads it on a server without a model', async () => {
    const admin = await t.adminToken();
    const before = (await t.call('POST', '/api/v1/chat', admin, { message: 'Once upon a time' })).body;
    expect(before.error.code).toBe('MODEL_NOT_LOADED');
    const finished = await pullAndWait(ID, admin);
    expect(finished).toMatchObject({ status: 'completed', error: null, bytes_done: 1_185_376 });
    expect(hub.requests).toContain(new URL(findCatalogEntry(ID)!.url).pathname);
    const models = (await t.call('GET', '/api/v1/models', admin)).body.models;
    expect(models).toContainEqual(
      expect.objectContaining({ name: ID, sha256: STORIES_SHA256, is_active: true, loaded: true }),
    );
    const chat = await t.call('POST', '/api/v1/chat', admin, { message: 'Once upon a time' });
    expect(chat.status).toBe(200);
    expect(chat.body.response.trim().length).toBeGreaterThan(0);
  });

  it('still refuses a typed URL on the hub host: the trust covers catalogue pulls only', async () => {
    const failed = await pullAndWait(`${hub.url}/stories260K.gguf`, await t.adminToken());
    expect(JSON.stringify(failed)).toContain('MODEL_PULL_BLOCKED');
  });

  it('keeps the real pin of an id the file does not replace: the hub cannot serve another file', async () => {
    const finished = await pullAndWait('tinyllama-1.1b-chat', await t.adminToken());
    expect(finished.status).toBe('failed');
    expect(finished.error).toContain('INTEGRITY_ERROR');
  });
});
