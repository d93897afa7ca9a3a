import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Principal } from '../../src/modules/auth/auth.service.js';
import type { Services } from '../../src/services.js';
import { AppError } from '../../src/shared/errors.js';
import type { Situation } from './permission-scenarios.js';

/**
 * What a direct service call showed about the permission check: `forbidden` (FORBIDDEN), `hidden`
 * (NOT_FOUND), or `passed` (it succeeded, or failed later for a reason of its own: no model loaded,
 * a conflict, a wrong current password). Field rules answer `passed` when the field is shown.
 */
export type CheckOutcome = 'passed' | 'forbidden' | 'hidden';

/** A principal of one role, and another user of the same kind for "someone else's" objects. */
export interface ServiceActor {
  readonly principal: Principal;
  readonly other: Principal;
}

/** How to try one action by calling its service method directly, with no HTTP in between. */
export interface ServiceScenario {
  /** The most favourable situation, for `deny` cells. */
  readonly best: Situation;
  /** Whether a resource exists that the caller can be unrelated or `below` to. */
  readonly resource?: boolean;
  /** Calls the service as the actor in the situation; the outcome of the permission check. */
  run(actor: ServiceActor, situation: Situation): Promise<CheckOutcome>;
}

/** The outcome of a call, by the error it threw (if any). */
export async function outcomeOf(call: () => Promise<unknown>): Promise<CheckOutcome> {
  try {
    await call();
    return 'passed';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error.code === 'FORBIDDEN' ? 'forbidden' : error.code === 'NOT_FOUND' ? 'hidden' : 'passed';
  }
}

const drain = async (events: AsyncIterable<unknown>) => {
  for await (const _event of events);
};
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${process.pid}`;
const ROLE_FOR: Partial<Record<Situation, 'owner' | 'editor' | 'reader'>> = {
  member: 'reader',
  readable: 'reader',
  'member:editor': 'editor',
  'member:owner': 'owner',
};

/**
 * One direct service call per action of docs/permissions.md (`account.read` has no service
 * method: it shows the authenticated principal itself). `admin` makes the fixtures.
 */
export function serviceScenarios(services: Services, admin: Principal, scratchDir: string) {
  const s = services;
  const page = { offset: 0, limit: 10 };
  const file = async (principal: Principal, workspaceId: string | undefined) =>
    s.documents.accept(
      principal,
      await s.files.receive(Readable.from([Buffer.from(`fixture ${unique('text')}`)]), 1_000_000),
      'note.txt',
      { workspaceId },
    );
  const workspace = async (actor: Principal, situation: Situation, needed: 'editor' | 'owner') => {
    const { id } = await s.workspaces.create(admin, { name: unique('ws') });
    const role = situation === 'below' ? (needed === 'owner' ? 'editor' : 'reader') : ROLE_FOR[situation];
    if (role) await s.workspaces.setMember(admin, id, actor.user.id, role);
    return id;
  };
  const roleOnly = (call: (principal: Principal) => Promise<unknown>): ServiceScenario => ({
    best: 'none',
    run: ({ principal }) => outcomeOf(() => call(principal)),
  });
  const owned = (
    make: (owner: Principal) => Promise<string>,
    call: (principal: Principal, id: string) => Promise<unknown>,
  ): ServiceScenario => ({
    best: 'own',
    resource: true,
    run: async ({ principal, other }, situation) => {
      const id = await make(situation === 'unrelated' ? other : principal);
      return outcomeOf(() => call(principal, id));
    },
  });
  // Sessions are made straight in the repository: a viewer's old session exists though they cannot start one.
  const session = async (owner: Principal) => {
    const now = new Date().toISOString();
    const row = { id: crypto.randomUUID(), user_id: owner.user.id, title: 'Old chat', prompt_id: null };
    await s.repositories.conversations.insert({
      ...row,
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
    return row.id;
  };
  const apiKey = async (owner: Principal) => (await s.auth.createApiKey(owner, unique('key'))).id;
  const onWorkspace = (
    needed: 'editor' | 'owner',
    call: (principal: Principal, workspaceId: string) => Promise<unknown>,
  ): ServiceScenario => ({
    best: 'member:owner',
    resource: true,
    run: async ({ principal }, situation) => {
      const id = await workspace(principal, situation, needed);
      return outcomeOf(() => call(principal, id));
    },
  });
  const onDocument = (needed: 'editor' | 'owner', call: (p: Principal, id: string) => Promise<unknown>) =>
    onWorkspace(needed, async (principal, workspaceId) =>
      call(principal, (await file(admin, workspaceId)).id),
    );
  const user = async () =>
    (await s.users.create(admin, { email: `${unique('u')}@example.test`, password: 'password 1234' })).id;
  const prompt = async () =>
    (await s.prompts.create(admin, { name: unique('prompt'), content: 'Be brief.' })).id;
  // A registered "model" that is not a GGUF: loading it fails after the check, removing it keeps the file.
  const model = async () => {
    const filePath = path.join(scratchDir, `${unique('model')}.gguf`);
    writeFileSync(filePath, 'not a model');
    return (
      await s.modelRegistry.register({ name: unique('model'), filePath, sourceUrl: 'http://hub.internal/x' })
    ).name;
  };
  const shown = (visible: boolean): CheckOutcome => (visible ? 'passed' : 'forbidden');

  const scenarios: Record<string, ServiceScenario> = {
    'account.logout': roleOnly((p) => s.auth.logout(p)),
    'account.password': roleOnly((p) =>
      s.auth.changePassword(
        p,
        { currentPassword: 'wrong password 000', newPassword: 'new password 999' },
        { ip: '::1' },
      ),
    ),
    'apikey.list': roleOnly((p) => s.auth.listApiKeys(p)),
    'apikey.create': roleOnly((p) => s.auth.createApiKey(p, unique('key'))),
    'apikey.revoke': owned(apiKey, (p, id) => s.auth.revokeApiKey(p, id)),
    'user.list': roleOnly((p) => s.users.list(p, page)),
    'user.create': roleOnly((p) =>
      s.users.create(p, { email: `${unique('n')}@example.test`, password: 'password 1234' }),
    ),
    'user.read': roleOnly(async (p) => s.users.get(p, await user())),
    'user.update': roleOnly(async (p) => s.users.update(p, await user(), { display_name: 'Renamed' })),
    'user.reset-password': roleOnly(async (p) =>
      s.users.resetPassword(p, await user(), 'reset password 789'),
    ),
    'user.chats.read': roleOnly(async (p) => s.chat.listSessionsOf(p, await user(), page)),
    'chat.generate': roleOnly((p) => drain(s.chat.sendMessage(p, undefined, { message: 'Hi' }))),
    'chat.session.list': roleOnly((p) => s.chat.listSessions(p, page)),
    'chat.session.read': owned(session, (p, id) => s.chat.getSession(p, id)),
    'chat.session.create': roleOnly((p) => s.chat.createSession(p, {})),
    'chat.session.update': owned(session, (p, id) => s.chat.updateSession(p, id, { title: 'Renamed' })),
    'chat.session.delete': owned(session, (p, id) => s.chat.deleteSession(p, id)),
    'chat.session.generate': owned(session, async (p, id) => {
      // Both ways of generating in a session must agree.
      const send = await outcomeOf(() => drain(s.chat.sendMessage(p, id, { message: 'Hi' })));
      const again = await outcomeOf(() => drain(s.chat.regenerate(p, id, {})));
      if (send !== again) throw new Error(`sendMessage ${send}, regenerate ${again}`);
      if (send === 'forbidden') throw new AppError('FORBIDDEN', 'refused');
      if (send === 'hidden') throw new AppError('NOT_FOUND', 'hidden');
    }),
    'prompt.read': roleOnly(async (p) => s.prompts.get(p, (await s.prompts.list(p))[0]!.id)),
    'prompt.create': roleOnly((p) => s.prompts.create(p, { name: unique('p'), content: 'Be kind.' })),
    'prompt.update': roleOnly(async (p) => s.prompts.update(p, await prompt(), { description: 'edited' })),
    'prompt.activate': roleOnly(async (p) => s.prompts.activate(p, await prompt())),
    'prompt.delete': roleOnly(async (p) => s.prompts.remove(p, await prompt())),
    'model.list': roleOnly((p) => s.modelRegistry.list(p)),
    'model.source-url.read': {
      best: 'none',
      run: async ({ principal }) => {
        await model();
        const models = await s.modelRegistry.list(principal);
        return shown(models.some((entry) => typeof entry.source_url === 'string' && entry.file_path !== ''));
      },
    },
    'model.catalog.read': roleOnly((p) => s.modelRegistry.catalog(p)),
    'model.register': roleOnly((p) =>
      s.modelRegistry.importFile(p, { name: unique('m'), filePath: path.join(scratchDir, 'absent.gguf') }),
    ),
    'model.pull': roleOnly((p) => s.modelDownloads.start(p, 'http://127.0.0.1:9/model.gguf')),
    'model.downloads.read': roleOnly((p) => s.modelDownloads.list(p)),
    'model.load': roleOnly(async (p) => s.modelRegistry.activate(p, await model())),
    'model.delete': roleOnly(async (p) => s.modelRegistry.remove(p, await model())),
    'workspace.list': roleOnly((p) => s.workspaces.list(p)),
    'workspace.create': roleOnly((p) => s.workspaces.create(p, { name: unique('w') })),
    'workspace.read': onWorkspace('owner', (p, id) => s.workspaces.get(p, id)),
    'workspace.update': onWorkspace('owner', (p, id) =>
      s.workspaces.update(p, id, { description: 'edited' }),
    ),
    'workspace.members.read': onWorkspace('owner', (p, id) => s.workspaces.members(p, id)),
    'workspace.members.email.read': {
      ...onWorkspace('owner', async () => undefined),
      run: async ({ principal }, situation) => {
        const id = await workspace(principal, situation, 'owner');
        const outcome = await outcomeOf(() => s.workspaces.members(principal, id));
        if (outcome !== 'passed') return outcome;
        const members = await s.workspaces.members(principal, id);
        return shown(members.every((member) => 'email' in member && typeof member.email === 'string'));
      },
    },
    'workspace.members.manage': onWorkspace('owner', async (p, id) =>
      s.workspaces.setMember(p, id, await user(), 'reader'),
    ),
    'file.upload': onWorkspace('editor', (p, id) => file(p, id)),
    'file.list': roleOnly((p) => s.documents.list(p, page)),
    'file.read': onDocument('owner', (p, id) => s.documents.get(p, id, false)),
    'file.download': onDocument('owner', (p, id) => s.documents.download(p, id)),
    'file.reprocess': onDocument('editor', (p, id) => s.documents.reprocess(p, id)),
    'file.delete': {
      best: 'member:owner',
      resource: true,
      run: async ({ principal }, situation) => {
        // `own`: the actor uploaded it (as an editor); otherwise the admin did.
        const id = await workspace(principal, situation === 'own' ? 'member:editor' : situation, 'owner');
        const document = await file(situation === 'own' ? principal : admin, id);
        return outcomeOf(() => s.documents.delete(principal, document.id));
      },
    },
    'rag.search': roleOnly((p) => s.retrieval.search(p, { query: 'fixture' })),
    'rag.health.read': roleOnly((p) => s.knowledgeStatus.health(p)),
    'rag.config.read': roleOnly((p) => s.knowledgeStatus.config(p)),
    'admin.stats.read': roleOnly((p) => s.adminStats.usage(p, 24)),
  };
  return scenarios;
}

/** Actions with no service method of their own, and why. */
export const HTTP_ONLY_ACTIONS: Record<string, string> = {
  'account.read': 'GET /auth/me answers with the principal the auth hook established; nothing to call',
};
