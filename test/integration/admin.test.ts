import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_MODELS_DIR, storiesModel } from '../helpers/shared-models.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  // The API registers only files under MODELS_DIR or MODEL_IMPORT_DIRS: the shared models are the latter.
  t = await startTestApp({ env: { MODEL_IMPORT_DIRS: SHARED_MODELS_DIR } });
});
afterAll(() => t.close());

describe('user administration', () => {
  it('admins create, list (with chat counts), change role and reset passwords', async () => {
    const admin = await t.adminToken();
    const created = await t.call('POST', '/api/v1/users', admin, {
      email: 'Manager@Example.test',
      password: 'manager password',
      role: 'manager',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'manager@example.test',
      username: 'manager',
      role: 'manager',
    });
    const duplicate = await t.call('POST', '/api/v1/users', admin, {
      email: 'manager@example.test',
      password: 'manager password',
    });
    expect(duplicate.status).toBe(409);

    const manager = await t.login('manager', 'manager password');
    await t.call('POST', '/api/v1/chat/sessions', manager, { title: 'one' });
    await t.call('POST', '/api/v1/chat/sessions', manager, { title: 'two' });
    const list = await t.call('GET', '/api/v1/users?limit=100', admin);
    expect(list.body.users.find((user: any) => user.id === created.body.id).chat_count).toBe(2);
    const chats = await t.call('GET', `/api/v1/users/${created.body.id}/chats`, admin);
    expect(chats.body.sessions.map((session: any) => session.title).sort()).toEqual(['one', 'two']);

    const promoted = await t.call('PATCH', `/api/v1/users/${created.body.id}`, admin, { role: 'admin' });
    expect(promoted.body.role).toBe('admin');

    const { key } = (await t.call('POST', '/api/v1/auth/api-keys', manager, { name: 'automation' })).body;
    expect((await t.call('GET', '/api/v1/auth/me', key)).status).toBe(200);
    const reset = await t.call('POST', `/api/v1/users/${created.body.id}/reset-password`, admin, {});
    expect((await t.call('GET', '/api/v1/auth/me', key)).status).toBe(401);
    expect(reset.body.temporary_password.length).toBeGreaterThanOrEqual(12);
    expect((await t.call('GET', '/api/v1/auth/me', manager)).status).toBe(401);
    const fresh = await t.login('manager', reset.body.temporary_password);
    const blocked = await t.call('GET', '/api/v1/chat/sessions', fresh);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('are admin-only, and unknown ids answer 404', async () => {
    const user = await t.createUser('manager');
    expect((await t.call('GET', '/api/v1/users', user.token)).status).toBe(403);
    expect(
      (await t.call('POST', '/api/v1/users', user.token, { email: 'x@y.test', password: 'long password' }))
        .status,
    ).toBe(403);
    expect(
      (await t.call('GET', '/api/v1/users/00000000-0000-0000-0000-000000000000', await t.adminToken()))
        .status,
    ).toBe(404);
    expect((await t.call('PATCH', '/api/v1/users/nope', await t.adminToken(), { role: 'user' })).status).toBe(
      404,
    );
  });

  it('derives distinct usernames from e-mails that share a local part', async () => {
    const admin = await t.adminToken();
    const first = await t.call('POST', '/api/v1/users', admin, {
      email: 'john@alpha.test',
      password: 'long password',
    });
    const second = await t.call('POST', '/api/v1/users', admin, {
      email: 'john@beta.test',
      password: 'long password',
    });
    const plus = await t.call('POST', '/api/v1/users', admin, {
      email: 'a+b@beta.test',
      password: 'long password',
    });
    expect([first.body.username, second.body.username, plus.body.username]).toEqual(['john', 'john2', 'a-b']);
    const taken = await t.call('POST', '/api/v1/users', admin, {
      email: 'x@beta.test',
      username: 'john',
      password: 'long password',
    });
    expect(taken.status).toBe(409);
  });

  it('refuses an invalid role or e-mail with the field named', async () => {
    const admin = await t.adminToken();
    const role = await t.call('POST', '/api/v1/users', admin, {
      email: 'r@example.test',
      password: 'long password',
      role: 'root',
    });
    expect(role.status).toBe(400);
    expect(role.body.error.details.field).toBe('role');
    const email = await t.call('POST', '/api/v1/users', admin, {
      email: 'not-an-email',
      password: 'long password',
    });
    expect(email.body.error.details.field).toBe('email');
  });
});

describe('system prompts', () => {
  it('has a default active prompt; admins add one, activate it, and new sessions use it', async () => {
    const admin = await t.adminToken();
    const initial = await t.call('GET', '/api/v1/prompts', admin);
    expect(initial.body.prompts.filter((prompt: any) => prompt.is_active)).toHaveLength(1);

    const teacher = await t.call('POST', '/api/v1/prompts', admin, {
      name: 'Guru',
      content: 'Bantu sebagai guru yang sabar dan detail.',
    });
    expect(teacher.status).toBe(201);
    expect(teacher.body.is_active).toBe(false);
    const activated = await t.call('PATCH', `/api/v1/prompts/${teacher.body.id}/activate`, admin);
    expect(activated.body.is_active).toBe(true);
    const after = await t.call('GET', '/api/v1/prompts', admin);
    expect(
      after.body.prompts.filter((prompt: any) => prompt.is_active).map((prompt: any) => prompt.id),
    ).toEqual([teacher.body.id]);

    const user = await t.createUser();
    const session = await t.call('POST', '/api/v1/chat/sessions', user.token, {});
    expect(session.body.prompt_id).toBe(teacher.body.id);
    const chosen = await t.call('POST', '/api/v1/chat/sessions', user.token, {
      prompt_id: initial.body.prompts[0].id,
    });
    expect(chosen.body.prompt_id).toBe(initial.body.prompts[0].id);
    expect((await t.call('POST', '/api/v1/chat/sessions', user.token, { prompt_id: 'missing' })).status).toBe(
      404,
    );

    expect((await t.call('DELETE', `/api/v1/prompts/${teacher.body.id}`, admin)).status).toBe(409);
    expect((await t.call('POST', '/api/v1/prompts', user.token, { name: 'x', content: 'y' })).status).toBe(
      403,
    );
  });
});

describe('model registry', () => {
  it('registers a GGUF and switches the loaded model without a restart', async () => {
    const admin = await t.adminToken();
    const registered = await t.call('POST', '/api/v1/models', admin, {
      name: 'stories-copy',
      file_path: storiesModel(),
    });
    expect(registered.status).toBe(201);
    // The same file MODEL_PATH names (the test app's model): one registry entry, marked as the
    // configured one, which is what loads at start whatever the registry's own flag says.
    expect(registered.body).toMatchObject({
      name: 'stories-copy',
      present: true,
      loaded: true,
      is_active: true,
      source: 'config',
    });
    const loaded = await t.call('POST', '/api/v1/models/stories-copy/load', admin);
    expect(loaded.status).toBe(200);
    expect(loaded.body.is_active).toBe(true);
    expect((await t.call('GET', '/health', admin)).body.model.id).toBe('stories-copy');

    const user = await t.createUser();
    const chat = await t.call('POST', '/api/v1/chat', user.token, { message: 'Once upon a time' });
    expect(chat.status).toBe(200);
    expect(chat.body.model).toBe('stories-copy');

    expect((await t.call('POST', '/api/v1/models/stories-copy/load', user.token)).status).toBe(403);
    expect((await t.call('DELETE', '/api/v1/models/stories-copy', admin)).status).toBe(409);
    const bad = await t.call('POST', '/api/v1/models', admin, {
      name: 'ghost',
      file_path: '/nonexistent/x.gguf',
    });
    expect(bad.status).toBe(400);
  });

  it('keeps the old model when a new one fails to load', async () => {
    const admin = await t.adminToken();
    // A GGUF header and nothing llama.cpp can use, inside MODELS_DIR. POST /models refuses it now
    // (422 NOT_A_GGUF: the header check), so the row is left as the CLI or older code could have.
    const modelsDir = t.runtime.services.config.storage.modelsDir;
    mkdirSync(modelsDir, { recursive: true });
    const broken = path.join(modelsDir, 'broken.gguf');
    writeFileSync(broken, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(60)]));
    const viaApi = await t.call('POST', '/api/v1/models', admin, { name: 'broken', file_path: broken });
    expect(viaApi.body.error.code).toBe('NOT_A_GGUF');
    await t.runtime.services.modelRegistry.register({ name: 'broken', filePath: broken });
    const secret = path.join(t.dataDir, 'jwt-secret');
    const refused = await t.call('POST', '/api/v1/models', admin, { name: 'secret', file_path: secret });
    expect(refused.body.error.code).toBe('MODEL_PATH_NOT_ALLOWED');
    const attempt = await t.call('POST', '/api/v1/models/broken/load', admin);
    expect(attempt.status).toBe(400);
    expect(attempt.body.error.code).toBe('MODEL_ERROR');
    const health = (await t.call('GET', '/health', admin)).body;
    expect(health.model).toMatchObject({ id: 'stories-copy', loaded: true });
  });
});

describe('health and docs', () => {
  it('GET /health reports model, memory and uptime to an admin', async () => {
    const admin = await t.adminToken();
    const health = await t.call('GET', '/health', admin);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.model.context_size).toBeGreaterThanOrEqual(512);
    expect(health.body.memory.rss_bytes).toBeGreaterThan(10_000_000);
    expect(health.body.database).toEqual({ dialect: 'sqlite', ok: true });
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const spec = await t.call('GET', '/openapi.json', undefined);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/chat/sessions/{id}/messages',
        '/api/v1/users/{id}/chats',
        '/api/v1/prompts/{id}/activate',
      ]),
    );
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});

describe('first run without ADMIN_PASSWORD', () => {
  it('generates a password, writes it 0600, and forces a change at first login', async () => {
    const fresh = await startTestApp({ model: false, env: { ADMIN_PASSWORD: '' } });
    try {
      const file = path.join(fresh.dataDir, 'initial-admin-password');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(fresh.runtime.admin).toMatchObject({ created: true, generatedPassword: password });
      const token = await fresh.login('admin', password);
      const blocked = await fresh.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) });
      expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      const changed = await fresh.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: bearer(token),
        payload: { current_password: password, new_password: 'my own admin password' },
      });
      expect(changed.statusCode).toBe(200);
      const allowed = await fresh.app.inject({
        method: 'GET',
        url: '/api/v1/users',
        headers: bearer(changed.json().access_token),
      });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
