import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadFile, waitForDocument } from '../helpers/upload.js';

// Issue #9 item 2: a personal workspace belongs to its user by id, never by name.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ model: false });
});
afterAll(() => t.close());

const usernameOf = async (token: string): Promise<string> =>
  (await t.call('GET', '/api/v1/auth/me', token)).body.username;

/** The caller's own personal workspace as the API lists it. */
const personalOf = async (user: { id: string; token: string }) =>
  (await t.call('GET', '/api/v1/workspaces', user.token)).body.workspaces.find(
    (workspace: any) => workspace.personal_owner_id === user.id,
  );

describe('personal workspaces', () => {
  it('cannot be taken over by renaming another workspace to "<user> (personal)"', async () => {
    const user1 = await t.createUser('user');
    const user3 = await t.createUser('user');
    const user1Name = await usernameOf(user1.token);

    // user3's own personal workspace, made by their first upload.
    const first = await uploadFile(t, user3.token, 'mine.txt', 'user3 notes');
    expect(first.status).toBe(201);
    const hijack = first.body.workspace_id;

    // The attack: rename it to user1's personal name and make user1 an owner. Both are refused;
    // soft assertions so the test goes on to show what user3 could read if they were not.
    const rename = await t.call('PATCH', `/api/v1/workspaces/${hijack}`, user3.token, {
      name: `${user1Name} (personal)`,
    });
    expect.soft(rename.status).toBe(409);
    expect.soft(rename.body.error?.code).toBe('PERSONAL_WORKSPACE');
    const addOwner = await t.call('PUT', `/api/v1/workspaces/${hijack}/members/${user1.id}`, user3.token, {
      role: 'owner',
    });
    expect.soft(addOwner.status).toBe(409);

    // user1 uploads without naming a workspace: it lands in user1's own personal workspace.
    const secret = await uploadFile(t, user1.token, 'salary.txt', 'zanzibarquokka salary table of user1');
    expect(secret.status).toBe(201);
    expect(secret.body.workspace_id).not.toBe(hijack);
    expect((await personalOf(user1))?.id).toBe(secret.body.workspace_id);
    expect((await waitForDocument(t, user1.token, secret.body.id)).status).toBe('PROCESSED');

    // user3 reads nothing of it: detail with content, download, search, list.
    const id = secret.body.id;
    expect((await t.call('GET', `/api/v1/files/${id}?include_content=true`, user3.token)).status).toBe(404);
    expect((await t.call('GET', `/api/v1/files/${id}/download`, user3.token)).status).toBe(404);
    const search = await t.call('POST', '/api/v1/rag/search', user3.token, { query: 'zanzibarquokka' });
    expect(search.body.results).toEqual([]);
    const listed = (await t.call('GET', '/api/v1/files', user3.token)).body.files.map((f: any) => f.id);
    expect(listed).not.toContain(id);
    // While user1 still finds it.
    const own = await t.call('POST', '/api/v1/rag/search', user1.token, { query: 'zanzibarquokka' });
    expect(own.body.results.map((r: any) => r.document_id)).toEqual([id]);
  });

  it('a shared workspace named "<user> (personal)" blocks neither that user nor is blocked by them', async () => {
    const manager = await t.createUser('manager');
    const user2 = await t.createUser('user');
    const user4 = await t.createUser('user');
    const user2Name = await usernameOf(user2.token);
    const user4Name = await usernameOf(user4.token);

    // The manager takes user2's name first: user2's uploads still work, into their own workspace.
    const squat = await t.call('POST', '/api/v1/workspaces', manager.token, {
      name: `${user2Name} (personal)`,
    });
    expect(squat.status).toBe(201);
    const upload = await uploadFile(t, user2.token, 'a.txt', 'hello');
    expect(upload.status).toBe(201);
    expect(upload.body.workspace_id).not.toBe(squat.body.id);
    expect((await personalOf(user2))?.id).toBe(upload.body.workspace_id);

    // And the other way round: user4's personal workspace does not block a shared one of that name.
    expect((await uploadFile(t, user4.token, 'b.txt', 'hello')).status).toBe(201);
    const after = await t.call('POST', '/api/v1/workspaces', manager.token, {
      name: `${user4Name} (personal)`,
    });
    expect(after.status).toBe(201);
    // Shared names stay unique among themselves.
    const twice = await t.call('POST', '/api/v1/workspaces', manager.token, {
      name: `${user4Name} (personal)`,
    });
    expect(twice.status).toBe(409);
    // A shared workspace cannot be renamed onto a name its own kind already uses, but onto a personal one's, yes.
    expect(
      (
        await t.call('PATCH', `/api/v1/workspaces/${squat.body.id}`, manager.token, {
          name: `${user4Name} (personal)`,
        })
      ).status,
    ).toBe(409);
  });

  it('is not renamable or transferable by anyone, admins included, and its owner stays', async () => {
    const owner = await t.createUser('user');
    const other = await t.createUser('user');
    const admin = await t.adminToken();
    const id = (await uploadFile(t, owner.token, 'c.txt', 'hello')).body.workspace_id;
    const workspace = await t.call('GET', `/api/v1/workspaces/${id}`, owner.token);
    expect(workspace.body).toMatchObject({
      personal_owner_id: owner.id,
      my_role: 'owner',
      needs_review: false,
    });

    for (const token of [owner.token, admin]) {
      const renamed = await t.call('PATCH', `/api/v1/workspaces/${id}`, token, { name: 'Something else' });
      expect(renamed.body.error?.code).toBe('PERSONAL_WORKSPACE');
      for (const role of ['owner', 'editor', 'reader']) {
        const added = await t.call('PUT', `/api/v1/workspaces/${id}/members/${other.id}`, token, { role });
        expect(added.status).toBe(409);
      }
      const removed = await t.call('DELETE', `/api/v1/workspaces/${id}/members/${owner.id}`, token);
      expect(removed.status).toBe(409);
    }
    // The description may change; the same name counts as no rename.
    const described = await t.call('PATCH', `/api/v1/workspaces/${id}`, owner.token, {
      name: workspace.body.name,
      description: 'my drafts',
    });
    expect(described.status).toBe(200);
    const members = await t.call('GET', `/api/v1/workspaces/${id}/members`, owner.token);
    expect(members.body.members.map((m: any) => [m.user_id, m.role])).toEqual([[owner.id, 'owner']]);
  });

  it('lets an admin repair one flagged by migration 0007, and anyone a takeover added be removed', async () => {
    const owner = await t.createUser('user');
    const intruder = await t.createUser('user');
    const admin = await t.adminToken();
    const id = (await uploadFile(t, owner.token, 'd.txt', 'hello')).body.workspace_id;
    // What the old code allowed, written as migration 0007 found it: renamed, an extra owner, flagged.
    const db = t.runtime.services.database.db;
    await db
      .updateTable('workspaces')
      .set({ name: 'someone (personal)', needs_review: 1 })
      .where('id', '=', id)
      .execute();
    await db
      .insertInto('workspace_members')
      .values({ workspace_id: id, user_id: intruder.id, role: 'owner', added_at: new Date().toISOString() })
      .execute();

    const canonical = `${await usernameOf(owner.token)} (personal)`;
    const byOwner = await t.call('PATCH', `/api/v1/workspaces/${id}`, owner.token, { name: canonical });
    expect(byOwner.body.error?.code).toBe('PERSONAL_WORKSPACE');
    const elsewhere = await t.call('PATCH', `/api/v1/workspaces/${id}`, admin, { name: 'other (personal)' });
    expect(elsewhere.body.error?.code).toBe('PERSONAL_WORKSPACE');
    const repaired = await t.call('PATCH', `/api/v1/workspaces/${id}`, admin, { name: canonical });
    expect(repaired.body).toMatchObject({
      name: canonical,
      needs_review: false,
      personal_owner_id: owner.id,
    });

    expect(
      (await t.call('DELETE', `/api/v1/workspaces/${id}/members/${intruder.id}`, owner.token)).status,
    ).toBe(204);
    expect((await t.call('GET', `/api/v1/workspaces/${id}`, intruder.token)).status).toBe(404);
  });

  it('is created once even when the first uploads arrive together', async () => {
    const user = await t.createUser('user');
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => uploadFile(t, user.token, `n${n}.txt`, `file ${n}`)),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.workspace_id)).size).toBe(1);
  });
});
