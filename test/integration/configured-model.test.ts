import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../helpers/shared-models.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Issue 10 item 10: the model MODEL_PATH names is part of the registry (source `config`), not an
// invisible extra the admin console calls "no models registered". It lives in MODELS_DIR here, so a
// removal that went through would really delete it.
let t: TestApp;
let dataDir: string;
let configuredFile: string;
let otherFile: string;
let admin: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-configured-'));
  const modelsDir = path.join(dataDir, 'models');
  mkdirSync(modelsDir, { recursive: true });
  configuredFile = path.join(modelsDir, 'configured-tiny.gguf');
  otherFile = path.join(modelsDir, 'other-tiny.gguf');
  copyFileSync(storiesModel(), configuredFile);
  copyFileSync(storiesModel(), otherFile);
  t = await startTestApp({ dataDir, env: { MODEL_PATH: configuredFile } });
  admin = await t.adminToken();
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const models = async (token = admin) => (await t.call('GET', '/api/v1/models', token)).body.models as any[];

describe('the model MODEL_PATH names, in the registry', () => {
  it('is listed, marked as coming from the configuration, loaded and loading at start', async () => {
    expect(await models()).toEqual([
      expect.objectContaining({
        id: 'config',
        name: 'configured-tiny',
        kind: 'chat',
        source: 'config',
        file_path: realpathSync(configuredFile),
        size_bytes: 1_185_376,
        loaded: true,
        is_active: true,
        present: true,
      }),
    ]);
    // Everyone sees which model answers; only administrators see where it lives.
    const user = await t.createUser('user');
    expect(await models(user.token)).toEqual([
      expect.objectContaining({ id: 'config', source: 'config', loaded: true, file_path: '' }),
    ]);
  });

  it('cannot be removed, by id or by name, and its file stays', async () => {
    for (const idOrName of ['config', 'configured-tiny']) {
      const answer = await t.call('DELETE', `/api/v1/models/${idOrName}`, admin);
      expect(answer.status, idOrName).toBe(409);
      expect(answer.body.error.code).toBe('CONFLICT');
      expect(answer.body.error.message).toContain('MODEL_PATH');
    }
    expect(existsSync(configuredFile)).toBe(true);
  });

  it('stays listed after a switch to another model, says it loads at start, and loads again', async () => {
    const other = await t.call('POST', '/api/v1/models', admin, { name: 'other-tiny', file_path: otherFile });
    expect(other.status).toBe(201);
    expect((await t.call('POST', `/api/v1/models/${other.body.id}/load`, admin)).status).toBe(200);
    const afterSwitch = await models();
    // MODEL_PATH wins at the next start, so the switched-to model does not claim it will load then.
    expect(afterSwitch.find((model) => model.id === 'config')).toMatchObject({
      loaded: false,
      is_active: true,
    });
    expect(afterSwitch.find((model) => model.name === 'other-tiny')).toMatchObject({
      loaded: true,
      is_active: false,
      source: 'registry',
    });
    const back = await t.call('POST', '/api/v1/models/config/load', admin);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: 'config', loaded: true, source: 'config' });
    expect((await t.call('GET', '/health', admin)).body.model.id).toBe('configured-tiny');
    // The other one, no longer loaded, can go (and its file with it: it lives in MODELS_DIR).
    expect((await t.call('DELETE', `/api/v1/models/${other.body.id}`, admin)).body).toEqual({
      deleted_file: true,
    });
  });

  it('is listed once when the same file is also registered, and that row cannot be removed either', async () => {
    // Another spelling of the same path: the registry compares files, not strings.
    const spelled = path.join(dataDir, 'models', '..', 'models', 'configured-tiny.gguf');
    const registered = await t.call('POST', '/api/v1/models', admin, {
      name: 'same-file',
      file_path: spelled,
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ source: 'config', loaded: true, is_active: true });
    const listed = await models();
    expect(listed.filter((model) => model.file_path === realpathSync(configuredFile))).toHaveLength(1);
    expect(listed).toEqual([expect.objectContaining({ id: registered.body.id, source: 'config' })]);
    for (const idOrName of [registered.body.id, 'same-file', 'config']) {
      expect((await t.call('DELETE', `/api/v1/models/${idOrName}`, admin)).status, idOrName).toBe(409);
    }
    expect(existsSync(configuredFile)).toBe(true);
  });

  it('keeps its id to itself: no registered model may be called "config"', async () => {
    const before = (await models()).length;
    await expect(
      t.runtime.services.modelRegistry.register({ name: 'Config', filePath: otherFile }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('reserved') });
    const listed = await models();
    expect(listed.filter((model) => model.name.toLowerCase() === 'config')).toEqual([]);
    expect(listed.filter((model) => model.source === 'config')).toHaveLength(1);
    expect((await models()).length).toBe(before);
  });
});
