import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import type { TestApp } from './test-app.js';
import { storiesModel } from './shared-models.js';
import { multipartBody } from './upload.js';

/** A signed-in user of one role, with what a test needs to act as them again. */
export interface Actor {
  readonly role: 'admin' | 'manager' | 'user' | 'viewer';
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

/** The password createUser gives every test user. */
export const USER_PASSWORD = 'user password 123';

let counter = 0;
/** A name no other fixture uses. */
export const unique = (prefix: string) => `${prefix}-${++counter}-${process.pid}`;

/** Real requests over HTTP and the WebSocket to a listening test server, and the fixtures they need. */
export function createFixtures(t: TestApp, adminToken: string, hubUrl: string) {
  const http = async (method: string, url: string, token: string, body?: unknown) => {
    const response = await fetch(`${t.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text(); // SSE and downloads are read to their end
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json };
  };
  const ok = async (method: string, url: string, body?: unknown) => {
    const response = await http(method, url, adminToken, body);
    if (response.status >= 300) throw new Error(`fixture ${method} ${url}: ${response.status}`);
    return response.body;
  };
  const upload = async (token: string, workspaceId: string | undefined, name = 'note.txt') => {
    const form = await multipartBody(
      { name, content: `permission fixture ${unique('text')}` },
      workspaceId ? { workspace_id: workspaceId } : {},
    );
    const response = await fetch(`${t.url}/api/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': form.contentType },
      body: new Uint8Array(form.body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const principalOf = (actor: Actor) => t.runtime.services.auth.authenticate(actor.token);

  const fixtures = {
    http,
    upload,
    /** A fresh access token of an existing test user. */
    login: (email: string) => t.login(email, USER_PASSWORD),
    /** A fresh user of a role (for actions that spend the account, like a password change). */
    actor: async (role: Actor['role']): Promise<Actor> => ({ role, ...(await t.createUser(role)) }),
    /** A URL of the local model hub (a pull the admin may start). */
    hubModelUrl: () => `${hubUrl}/stories260K.gguf`,
    /** The id of a freshly registered (not loaded) model. */
    registeredModelId: async () => {
      const model = await fixtures.model();
      return (await ok('POST', '/api/v1/models', { name: model.name, file_path: model.path })).id as string;
    },
    /** A workspace made by the admin; the actor joins it with the role given (none: not a member). */
    workspace: async (actor: Actor, role?: 'owner' | 'editor' | 'reader') => {
      const { id } = await ok('POST', '/api/v1/workspaces', { name: unique('ws') });
      if (role) await ok('PUT', `/api/v1/workspaces/${id}/members/${actor.id}`, { role });
      return id as string;
    },
    /** A document the admin uploaded there; processed first when asked (re-processing needs that). */
    document: async (workspaceId: string, processed = false) => {
      const { body } = await upload(adminToken, workspaceId);
      if (processed) await fixtures.processed(body.id);
      return body.id as string;
    },
    /** Waits until a document is processed (re-processing needs a finished one). */
    processed: async (id: string) => {
      // Generous: other test files may share the machine's two cores with the ingestion worker.
      for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
        const { body } = await http('GET', `/api/v1/files/${id}`, adminToken);
        if (body?.status === 'PROCESSED' || body?.status === 'FAILED') return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`document ${id} was not processed`);
    },
    /**
     * A chat session owned by the actor, stored straight in the database: a viewer cannot start one
     * (the service refuses them too), but keeps the ones from before they became a viewer.
     */
    session: async (actor: Actor) => {
      const now = new Date().toISOString();
      const id = crypto.randomUUID();
      await t.runtime.services.repositories.conversations.insert({
        id,
        user_id: actor.id,
        title: 'Old chat',
        prompt_id: null,
        system_prompt: null,
        model: null,
        status: 'ACTIVE',
        message_count: 0,
        rag_mode: 'off',
        rag_workspace_ids: null,
        temperature: null,
        max_tokens: null,
        active_message_id: null,
        created_at: now,
        updated_at: now,
      });
      return id;
    },
    /** An API key of the actor, made through the service. */
    apiKey: async (actor: Actor) =>
      (await t.runtime.services.auth.createApiKey(await principalOf(actor), unique('key'))).id,
    /** A user account to administer. */
    user: async () =>
      (await ok('POST', '/api/v1/users', { email: `${unique('u')}@example.test`, password: USER_PASSWORD }))
        .id as string,
    /** A system prompt (not active). */
    prompt: async () =>
      (await ok('POST', '/api/v1/prompts', { name: unique('prompt'), content: 'Be brief.' })).id as string,
    /** A registered copy of the tiny model inside MODELS_DIR. */
    model: async () => {
      const name = unique('model');
      const dir = t.runtime.services.config.storage.modelsDir;
      mkdirSync(dir, { recursive: true });
      const target = path.join(dir, `${name}.gguf`);
      copyFileSync(storiesModel(), target);
      return { name, path: target };
    },
    /** The statuses of a WebSocket chat: the upgrade's refusal, or the outcome of one message. */
    wsChat: (token: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/chat/ws?token=${token}`);
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => socket.send(JSON.stringify({ message: 'Hi', max_tokens: 4 })));
        socket.on('message', (data) => {
          const frame = JSON.parse((data as Buffer).toString('utf8'));
          if (!frame.done) return;
          socket.close();
          resolve(frame.error ? (frame.error.code === 'FORBIDDEN' ? 403 : 500) : 200);
        });
        socket.on('error', reject);
      }),
  };
  return fixtures;
}

/** The fixtures' shape. */
export type Fixtures = ReturnType<typeof createFixtures>;
