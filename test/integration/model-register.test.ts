import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../helpers/shared-models.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let modelsDir: string;
let importDir: string;
const SECRET = 'TOP-SECRET-4711';

beforeAll(async () => {
  importDir = mkdtempSync(path.join(tmpdir(), 'privatestack-import-'));
  t = await startTestApp({ model: false, env: { MODEL_IMPORT_DIRS: `${importDir},/nonexistent-dir` } });
  modelsDir = t.runtime.services.config.storage.modelsDir;
  mkdirSync(modelsDir, { recursive: true });
});
afterAll(async () => {
  await t.close();
  rmSync(importDir, { recursive: true, force: true });
});

async function register(filePath: string, name = 'candidate') {
  const admin = await t.adminToken();
  const answer = await t.call('POST', '/api/v1/models', admin, { name, file_path: filePath });
  return { ...answer, text: JSON.stringify(answer.body) };
}

async function registeredPaths(): Promise<string[]> {
  const admin = await t.adminToken();
  return (await t.call('GET', '/api/v1/models', admin)).body.models.map((model: any) => model.file_path);
}

describe('registering a model file through the API', () => {
  it('refuses any path outside MODELS_DIR and MODEL_IMPORT_DIRS, the same whether it exists or not', async () => {
    const outside = [
      '/etc/shadow',
      '/etc/passwd',
      '/etc/no-such-file.gguf',
      path.join(modelsDir, '..', 'privatestack.db'),
      `${modelsDir}/../../../../../../etc/passwd`,
      'relative/../../etc/passwd',
    ];
    for (const filePath of outside) {
      const answer = await register(filePath);
      expect(answer.status, filePath).toBe(400);
      expect(answer.body.error.code, filePath).toBe('MODEL_PATH_NOT_ALLOWED');
      expect(answer.text).not.toMatch(/root:|size_bytes/);
    }
    expect(await registeredPaths()).toEqual([]);
  });

  it('refuses symlinks inside MODELS_DIR whose target lies outside', async () => {
    symlinkSync('/etc/passwd', path.join(modelsDir, 'passwd.gguf'));
    symlinkSync(storiesModel(), path.join(modelsDir, 'linked-outside.gguf'));
    symlinkSync('/etc', path.join(modelsDir, 'etc-dir'));
    for (const name of ['passwd.gguf', 'linked-outside.gguf', 'etc-dir/passwd']) {
      const answer = await register(path.join(modelsDir, name));
      expect(answer.body.error?.code, name).toBe('MODEL_PATH_NOT_ALLOWED');
    }
    expect(await registeredPaths()).toEqual([]);
  });

  it('refuses a file inside MODELS_DIR that is not a GGUF, without echoing any of it', async () => {
    writeFileSync(path.join(modelsDir, 'notes.gguf'), `${SECRET}\nnot a model at all\n`);
    const answer = await register(path.join(modelsDir, 'notes.gguf'));
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('NOT_A_GGUF');
    expect(answer.text).not.toContain(SECRET);

    mkdirSync(path.join(modelsDir, 'folder.gguf'));
    expect((await register(path.join(modelsDir, 'folder.gguf'))).status).toBe(400);
    expect(await registeredPaths()).toEqual([]);
  });

  it('refuses a GGUF cut short or damaged after its magic, naming the problem without quoting the file', async () => {
    const model = readFileSync(storiesModel());
    writeFileSync(path.join(modelsDir, 'cut.gguf'), model.subarray(0, 600_000));
    const cut = await register(path.join(modelsDir, 'cut.gguf'));
    expect(cut.status).toBe(422);
    expect(cut.body.error.code).toBe('NOT_A_GGUF');
    expect(cut.body.error.message).toBe(
      `${path.join(modelsDir, 'cut.gguf')} is incomplete or damaged: tensor blk.1.ffn_up.weight ends at ` +
        'byte 639840 but the file has 600000 bytes (a copy cut short?)',
    );
    const strange = 0x53454352;
    writeFileSync(path.join(modelsDir, 'strange.gguf'), brokenGguf(SECRET, strange));
    const damaged = await register(path.join(modelsDir, 'strange.gguf'));
    expect(damaged.status).toBe(422);
    expect(damaged.body.error.message).toMatch(/incomplete or damaged: a metadata value has a type/);
    expect(damaged.text).not.toContain(SECRET);
    expect(damaged.text).not.toContain(String(strange));
    expect(await registeredPaths()).toEqual([]);
  });

  it('registers a GGUF under MODEL_IMPORT_DIRS by its real path, and loads it', async () => {
    mkdirSync(path.join(importDir, 'sub'));
    copyFileSync(storiesModel(), path.join(importDir, 'tiny.gguf'));
    const answer = await register(path.join(importDir, 'sub', '..', 'tiny.gguf'), 'tiny-import');
    expect(answer.status).toBe(201);
    expect(answer.body.file_path).toBe(realpathSync(path.join(importDir, 'tiny.gguf')));

    const loaded = await t.call('POST', `/api/v1/models/${answer.body.id}/load`, await t.adminToken());
    expect(loaded.status).toBe(200);
    expect(loaded.body.is_active).toBe(true);
  });
});

describe('loading a registered model', () => {
  it('never hands llama.cpp a file that is not a GGUF, nor echoes its bytes', async () => {
    // A row as the CLI (trusted) or the code before this fix could have left it.
    const row = await t.runtime.services.modelRegistry.register({ name: 'old-row', filePath: '/etc/passwd' });
    const answer = await t.call('POST', `/api/v1/models/${row.id}/load`, await t.adminToken());
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('NOT_A_GGUF');
    expect(JSON.stringify(answer.body)).not.toContain('root');
  });

  it('reports a broken GGUF without quoting it', async () => {
    // A valid header, then one key whose value type is four bytes llama.cpp's reader does not know.
    const strange = 0x53454352;
    writeFileSync(path.join(modelsDir, 'broken.gguf'), brokenGguf(SECRET, strange));
    // POST /models now refuses this file (test below); a row the CLI or older code left still loads.
    const registered = await t.runtime.services.modelRegistry.register({
      name: 'broken',
      filePath: path.join(modelsDir, 'broken.gguf'),
    });
    const answer = await t.call('POST', `/api/v1/models/${registered.id}/load`, await t.adminToken());
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('MODEL_ERROR');
    expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    expect(JSON.stringify(answer.body)).not.toContain(String(strange));
  });

  it('loads only registered entries, never a path given as the id', async () => {
    const answer = await t.call(
      'POST',
      `/api/v1/models/${encodeURIComponent('/etc/passwd')}/load`,
      await t.adminToken(),
    );
    expect(answer.status).toBe(404);
  });
});

/** GGUF v3 with no tensors and one metadata key whose value type id is `valueType`. */
function brokenGguf(key: string, valueType: number): Buffer {
  const u32 = (value: number) => Buffer.from(new Uint32Array([value]).buffer);
  const u64 = (value: number) => Buffer.from(new BigUint64Array([BigInt(value)]).buffer);
  const keyBytes = Buffer.from(key);
  return Buffer.concat([
    Buffer.from('GGUF'),
    u32(3),
    u64(0),
    u64(1),
    u64(keyBytes.length),
    keyBytes,
    u32(valueType),
  ]);
}
