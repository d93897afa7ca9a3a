import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/auth.service.js';
import type { AccessRepository, WorkspaceFacts } from './access.repository.js';
import { createPolicy } from './policy.js';

const principal = (id: string, role: Principal['user']['role']) => ({ user: { id, role } }) as Principal;

/** An access repository over fixed facts, counting lookups. */
function fakeAccess(
  workspaces: Record<string, WorkspaceFacts>,
  documents: Record<string, { workspaceId: string; uploadedBy: string }> = {},
  owners: Record<string, string> = {},
) {
  const calls = { count: 0 };
  const access: AccessRepository = {
    workspace: async (id) => {
      calls.count += 1;
      return workspaces[id];
    },
    readableDocument: async (id) => {
      calls.count += 1;
      const document = documents[id];
      const workspace = document && workspaces[document.workspaceId];
      return document && workspace && { workspace, uploadedBy: document.uploadedBy };
    },
    chatSessionOwner: async (id) => {
      calls.count += 1;
      return owners[id];
    },
    apiKeyOwner: async (id) => {
      calls.count += 1;
      return owners[id];
    },
  };
  return { access, calls };
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { code?: string }) => error.code,
  );

describe('policy.authorize', () => {
  const { access, calls } = fakeAccess(
    {
      w1: { id: 'w1', role: 'reader', personalOwnerId: null },
      w2: { id: 'w2', role: undefined, personalOwnerId: null },
      w3: { id: 'w3', role: 'editor', personalOwnerId: null },
    },
    { d1: { workspaceId: 'w3', uploadedBy: 'u1' }, d2: { workspaceId: 'w3', uploadedBy: 'someone' } },
    { s1: 'u1', s2: 'someone', k1: 'u1', k2: 'someone' },
  );
  const policy = createPolicy({ access });
  const user = principal('u1', 'user');

  it('refuses a deny cell before looking anything up', async () => {
    const before = calls.count;
    expect(await code(policy.authorize(principal('v', 'viewer'), 'file.upload', { workspaceId: 'w1' }))).toBe(
      'FORBIDDEN',
    );
    expect(calls.count).toBe(before);
  });

  it('answers 404 for a missing workspace or one the caller is not in, 403 for too low a role', async () => {
    expect(await code(policy.authorize(user, 'workspace.read', { workspaceId: 'nope' }))).toBe('NOT_FOUND');
    expect(await code(policy.authorize(user, 'workspace.read', { workspaceId: 'w2' }))).toBe('NOT_FOUND');
    expect(await code(policy.authorize(user, 'workspace.read', { workspaceId: 'w1' }))).toBe('ok');
    expect(await code(policy.authorize(user, 'workspace.update', { workspaceId: 'w1' }))).toBe('FORBIDDEN');
    expect(await code(policy.authorize(user, 'file.upload', { workspaceId: 'w3' }))).toBe('ok');
  });

  it('lets an admin act on a workspace they are not in, but not on one that does not exist', async () => {
    const admin = principal('a', 'admin');
    expect(await code(policy.authorize(admin, 'workspace.update', { workspaceId: 'w2' }))).toBe('ok');
    expect(await code(policy.authorize(admin, 'workspace.update', { workspaceId: 'nope' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('decides documents on readability first, then on any of the conditions', async () => {
    expect(await code(policy.authorize(user, 'file.read', { documentId: 'gone' }))).toBe('NOT_FOUND');
    expect(await code(policy.authorize(user, 'file.delete', { documentId: 'd1' }))).toBe('ok'); // own
    expect(await code(policy.authorize(user, 'file.delete', { documentId: 'd2' }))).toBe('FORBIDDEN');
    expect(await code(policy.authorize(user, 'file.reprocess', { documentId: 'd2' }))).toBe('ok'); // editor
  });

  it("treats sessions and API keys as their owner's: anyone else's answers 404, like a missing one", async () => {
    const admin = principal('a', 'admin');
    expect(await code(policy.authorize(user, 'chat.session.read', { chatSessionId: 's1' }))).toBe('ok');
    expect(await code(policy.authorize(user, 'chat.session.read', { chatSessionId: 's2' }))).toBe(
      'NOT_FOUND',
    );
    expect(await code(policy.authorize(admin, 'chat.session.delete', { chatSessionId: 's1' }))).toBe(
      'NOT_FOUND',
    );
    expect(await code(policy.authorize(user, 'chat.session.read', { chatSessionId: 'gone' }))).toBe(
      'NOT_FOUND',
    );
    expect(await code(policy.authorize(user, 'apikey.revoke', { apiKeyId: 'k1' }))).toBe('ok');
    expect(await code(policy.authorize(user, 'apikey.revoke', { apiKeyId: 'k2' }))).toBe('NOT_FOUND');
    const viewer = principal('u1', 'viewer');
    expect(await code(policy.authorize(viewer, 'chat.session.update', { chatSessionId: 's1' }))).toBe(
      'FORBIDDEN',
    );
  });
});
