import type { Actor, Fixtures } from './permission-fixtures.js';
import { unique, USER_PASSWORD } from './permission-fixtures.js';

/**
 * Where the caller stands towards the resource: `none` for actions without one; `unrelated` for a
 * resource of someone else (not a member, not theirs); `below` one workspace role short of the
 * cell's condition; the others as the cells of docs/permissions.md name them.
 */
export type Situation =
  'none' | 'own' | 'member' | 'member:editor' | 'member:owner' | 'readable' | 'unrelated' | 'below';

/** How to try one action: the HTTP status it answers for an actor in a situation. */
export interface Scenario {
  /** The most favourable situation, for `deny` cells (the refusal must come from the role alone). */
  readonly best: Situation;
  /** Whether the action has a resource the caller can be unrelated or `below` to. */
  readonly resource?: 'workspace' | 'owned';
  /** Performs the request; field rules answer 200 when the field is shown and 403 when hidden. */
  run(actor: Actor, situation: Situation, fx: Fixtures, other: Actor): Promise<number>;
}

const ROLE_FOR: Partial<Record<Situation, 'owner' | 'editor' | 'reader'>> = {
  member: 'reader',
  readable: 'reader',
  'member:editor': 'editor',
  'member:owner': 'owner',
};

/** A workspace the actor stands in as the situation says (`below`: one role short of `needed`). */
const workspaceFor = (
  fx: Fixtures,
  actor: Actor,
  situation: Situation,
  needed: 'editor' | 'owner' = 'owner',
) =>
  fx.workspace(
    actor,
    situation === 'below' ? (needed === 'owner' ? 'editor' : 'reader') : ROLE_FOR[situation],
  );

const status = async (promise: Promise<{ status: number }>) => (await promise).status;
const simple =
  (method: string, url: string, body?: unknown): Scenario['run'] =>
  (actor, _situation, fx) =>
    status(fx.http(method, url, actor.token, body));
const roleOnly = (method: string, url: string, body?: unknown): Scenario => ({
  best: 'none',
  run: simple(method, url, body),
});
/** A session or API key: the actor's own, or another user's. */
const owned = (
  make: 'session' | 'apiKey',
  request: (id: string, actor: Actor, fx: Fixtures) => Promise<number>,
) =>
  ({
    best: 'own',
    resource: 'owned',
    run: async (actor, situation, fx, other) =>
      request(await fx[make](situation === 'unrelated' ? other : actor), actor, fx),
  }) satisfies Scenario;
/** An action on a workspace the actor stands in as the situation says. */
const onWorkspace = (
  needed: 'editor' | 'owner',
  request: (id: string, actor: Actor, fx: Fixtures) => Promise<number>,
): Scenario => ({
  best: 'member:owner',
  resource: 'workspace',
  run: async (actor, situation, fx) => request(await workspaceFor(fx, actor, situation, needed), actor, fx),
});
/** An action on a processed document in a workspace the actor stands in as the situation says. */
const onDocument = (needed: 'editor' | 'owner', method: string, suffix: string): Scenario =>
  onWorkspace(needed, async (workspaceId, actor, fx) => {
    const id = await fx.document(workspaceId, method !== 'GET');
    return status(fx.http(method, `/api/v1/files/${id}${suffix}`, actor.token));
  });
const field = (shown: boolean) => (shown ? 200 : 403);
const chat = { message: 'Hi', max_tokens: 4 };

/** One way to try every action of docs/permissions.md; the test fails on an action missing here. */
export const SCENARIOS: Record<string, Scenario> = {
  'account.read': roleOnly('GET', '/api/v1/auth/me'),
  'account.logout': {
    best: 'none',
    run: async (actor, _situation, fx) =>
      status(fx.http('POST', '/api/v1/auth/logout', await fx.login(actor.email))),
  },
  'account.password': {
    best: 'none',
    run: async (actor, _situation, fx) => {
      const fresh = await fx.actor(actor.role);
      const body = { current_password: USER_PASSWORD, new_password: 'another password 456' };
      return status(fx.http('POST', '/api/v1/auth/password', fresh.token, body));
    },
  },
  'apikey.list': roleOnly('GET', '/api/v1/auth/api-keys'),
  'apikey.create': roleOnly('POST', '/api/v1/auth/api-keys', { name: 'ci' }),
  'apikey.revoke': owned('apiKey', (id, actor, fx) =>
    status(fx.http('DELETE', `/api/v1/auth/api-keys/${id}`, actor.token)),
  ),
  'user.list': roleOnly('GET', '/api/v1/users'),
  'user.create': {
    best: 'none',
    run: (actor, _situation, fx) =>
      status(
        fx.http('POST', '/api/v1/users', actor.token, {
          email: `${unique('new')}@example.test`,
          password: USER_PASSWORD,
        }),
      ),
  },
  'user.read': userAction('GET', ''),
  'user.update': userAction('PATCH', '', { display_name: 'Renamed' }),
  'user.reset-password': userAction('POST', '/reset-password', { password: 'reset password 789' }),
  'user.chats.read': userAction('GET', '/chats'),
  'chat.generate': {
    best: 'none',
    run: async (actor, _situation, fx) => {
      const overHttp = await status(fx.http('POST', '/api/v1/chat', actor.token, chat));
      const overSocket = await fx.wsChat(actor.token);
      // Both doors must agree; a disagreement fails the cell.
      return overHttp === overSocket ? overHttp : -overSocket;
    },
  },
  'chat.session.list': roleOnly('GET', '/api/v1/chat/sessions'),
  'chat.session.read': owned('session', (id, actor, fx) =>
    status(fx.http('GET', `/api/v1/chat/sessions/${id}`, actor.token)),
  ),
  'chat.session.create': roleOnly('POST', '/api/v1/chat/sessions', {}),
  'chat.session.update': owned('session', (id, actor, fx) =>
    status(fx.http('PATCH', `/api/v1/chat/sessions/${id}`, actor.token, { title: 'Renamed' })),
  ),
  'chat.session.delete': owned('session', (id, actor, fx) =>
    status(fx.http('DELETE', `/api/v1/chat/sessions/${id}`, actor.token)),
  ),
  'chat.session.generate': owned('session', (id, actor, fx) =>
    status(fx.http('POST', `/api/v1/chat/sessions/${id}/messages`, actor.token, chat)),
  ),
  'prompt.read': roleOnly('GET', '/api/v1/prompts'),
  'prompt.create': {
    best: 'none',
    run: (actor, _situation, fx) =>
      status(fx.http('POST', '/api/v1/prompts', actor.token, { name: unique('p'), content: 'Be kind.' })),
  },
  'prompt.update': promptAction('PATCH', '', { description: 'edited' }),
  'prompt.activate': promptAction('PATCH', '/activate'),
  'prompt.delete': promptAction('DELETE', ''),
  'model.list': roleOnly('GET', '/api/v1/models'),
  'model.source-url.read': {
    best: 'none',
    run: async (actor, _situation, fx) => {
      const { body } = await fx.http('GET', '/api/v1/models', actor.token);
      return field(body.models.some((model: any) => typeof model.source_url === 'string'));
    },
  },
  'model.catalog.read': roleOnly('GET', '/api/v1/models/catalog'),
  'model.register': {
    best: 'none',
    run: async (actor, _situation, fx) => {
      const model = await fx.model();
      return status(
        fx.http('POST', '/api/v1/models', actor.token, { name: model.name, file_path: model.path }),
      );
    },
  },
  'model.pull': {
    best: 'none',
    run: (actor, _situation, fx) =>
      status(fx.http('POST', '/api/v1/models/pull', actor.token, { name_or_url: fx.hubModelUrl() })),
  },
  'model.downloads.read': roleOnly('GET', '/api/v1/models/downloads'),
  'model.load': {
    best: 'none',
    run: async (actor, _situation, fx) =>
      status(fx.http('POST', `/api/v1/models/${await fx.registeredModelId()}/load`, actor.token)),
  },
  'model.delete': {
    best: 'none',
    run: async (actor, _situation, fx) =>
      status(fx.http('DELETE', `/api/v1/models/${await fx.registeredModelId()}`, actor.token)),
  },
  'workspace.list': roleOnly('GET', '/api/v1/workspaces'),
  'workspace.create': {
    best: 'none',
    run: (actor, _situation, fx) =>
      status(fx.http('POST', '/api/v1/workspaces', actor.token, { name: unique('w') })),
  },
  'workspace.read': onWorkspace('owner', (id, actor, fx) =>
    status(fx.http('GET', `/api/v1/workspaces/${id}`, actor.token)),
  ),
  'workspace.update': onWorkspace('owner', (id, actor, fx) =>
    status(fx.http('PATCH', `/api/v1/workspaces/${id}`, actor.token, { description: 'edited' })),
  ),
  'workspace.members.read': onWorkspace('owner', (id, actor, fx) =>
    status(fx.http('GET', `/api/v1/workspaces/${id}/members`, actor.token)),
  ),
  'workspace.members.email.read': onWorkspace('owner', async (id, actor, fx) => {
    const response = await fx.http('GET', `/api/v1/workspaces/${id}/members`, actor.token);
    if (response.status !== 200) return response.status;
    return field(response.body.members.every((member: any) => typeof member.email === 'string'));
  }),
  'workspace.members.manage': onWorkspace('owner', async (id, actor, fx) => {
    const member = await fx.user();
    return status(
      fx.http('PUT', `/api/v1/workspaces/${id}/members/${member}`, actor.token, { role: 'reader' }),
    );
  }),
  'file.upload': onWorkspace('editor', async (id, actor, fx) => (await fx.upload(actor.token, id)).status),
  'file.list': roleOnly('GET', '/api/v1/files'),
  'file.read': onDocument('owner', 'GET', ''),
  'file.download': onDocument('owner', 'GET', '/download'),
  'file.reprocess': onDocument('editor', 'POST', '/reprocess'),
  'file.delete': {
    best: 'member:owner',
    resource: 'workspace',
    run: async (actor, situation, fx) => {
      // `own`: the actor uploaded it (as an editor); otherwise the admin did.
      const workspaceId = await workspaceFor(fx, actor, situation === 'own' ? 'member:editor' : situation);
      const id =
        situation === 'own'
          ? (await fx.upload(actor.token, workspaceId)).body.id
          : await fx.document(workspaceId, true);
      return status(fx.http('DELETE', `/api/v1/files/${id}`, actor.token));
    },
  },
  'rag.search': roleOnly('POST', '/api/v1/rag/search', { query: 'permission fixture' }),
  'rag.health.read': roleOnly('GET', '/api/v1/rag/health'),
  'rag.config.read': roleOnly('GET', '/api/v1/rag/config'),
  'admin.stats.read': roleOnly('GET', '/api/v1/admin/stats'),
};

function userAction(method: string, suffix: string, body?: unknown): Scenario {
  return {
    best: 'none',
    run: async (actor, _situation, fx) =>
      status(fx.http(method, `/api/v1/users/${await fx.user()}${suffix}`, actor.token, body)),
  };
}

function promptAction(method: string, suffix: string, body?: unknown): Scenario {
  return {
    best: 'none',
    run: async (actor, _situation, fx) =>
      status(fx.http(method, `/api/v1/prompts/${await fx.prompt()}${suffix}`, actor.token, body)),
  };
}
