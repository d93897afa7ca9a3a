import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ model: false });
});
afterAll(() => t.close());

describe('workspaces', () => {
  it('a manager creates one and owns it; members see it, outsiders get 404', async () => {
    const manager = await t.createUser('manager');
    const member = await t.createUser('user');
    const outsider = await t.createUser('user');
    const created = await t.call('POST', '/api/v1/workspaces', manager.token, {
      name: 'Keuangan',
      description: 'Finance SOPs',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Keuangan',
      my_role: 'owner',
      member_count: 1,
      status: 'active',
    });
    const id = created.body.id;

    const added = await t.call('PUT', `/api/v1/workspaces/${id}/members/${member.id}`, manager.token, {
      role: 'reader',
    });
    expect(added.body.members.map((m: any) => m.role).sort()).toEqual(['owner', 'reader']);

    expect(
      (await t.call('GET', '/api/v1/workspaces', member.token)).body.workspaces.map((w: any) => [
        w.name,
        w.my_role,
      ]),
    ).toEqual([['Keuangan', 'reader']]);
    expect((await t.call('GET', `/api/v1/workspaces/${id}`, outsider.token)).status).toBe(404);
    expect((await t.call('GET', `/api/v1/workspaces/${id}/members`, outsider.token)).status).toBe(404);
    expect((await t.call('GET', '/api/v1/workspaces', outsider.token)).body.workspaces).toEqual([]);

    // Readers cannot manage; admins can without being members.
    expect((await t.call('PATCH', `/api/v1/workspaces/${id}`, member.token, { name: 'Mine' })).status).toBe(
      403,
    );
    const admin = await t.adminToken();
    expect(
      (await t.call('GET', '/api/v1/workspaces', admin)).body.workspaces.find((w: any) => w.id === id)
        .my_role,
    ).toBeNull();
    const archived = await t.call('PATCH', `/api/v1/workspaces/${id}`, admin, { status: 'archived' });
    expect(archived.body.status).toBe('archived');
  });

  it('keeps at least one owner and unique names', async () => {
    const manager = await t.createUser('manager');
    const { body } = await t.call('POST', '/api/v1/workspaces', manager.token, { name: 'Hukum' });
    expect(
      (
        await t.call('PUT', `/api/v1/workspaces/${body.id}/members/${manager.id}`, manager.token, {
          role: 'reader',
        })
      ).status,
    ).toBe(409);
    expect(
      (await t.call('DELETE', `/api/v1/workspaces/${body.id}/members/${manager.id}`, manager.token)).status,
    ).toBe(409);
    expect((await t.call('POST', '/api/v1/workspaces', manager.token, { name: 'Hukum' })).status).toBe(409);
    expect(
      (
        await t.call('PUT', `/api/v1/workspaces/${body.id}/members/no-such-user`, manager.token, {
          role: 'editor',
        })
      ).status,
    ).toBe(404);
  });

  it('only admins and managers create workspaces', async () => {
    const user = await t.createUser('user');
    expect((await t.call('POST', '/api/v1/workspaces', user.token, { name: 'Mine' })).status).toBe(403);
    const viewer = await t.createUser('viewer');
    expect((await t.call('POST', '/api/v1/workspaces', viewer.token, { name: 'Mine' })).status).toBe(403);
  });
});
