import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadFile, waitForDocument } from '../helpers/upload.js';

// Issue #9 item 11 (exposure): what the knowledge-base figures and member lists show depends on
// what the caller may read.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ model: false });
});
afterAll(() => t.close());

describe('visibility of figures and member details', () => {
  it('/rag/health and /rag/config count only the documents the caller may read', async () => {
    const alice = await t.createUser('user');
    const bob = await t.createUser('user');
    const first = await uploadFile(t, alice.token, 'one.txt', 'alpha beta gamma');
    const second = await uploadFile(t, alice.token, 'two.txt', 'delta epsilon');
    for (const { body } of [first, second])
      expect((await waitForDocument(t, alice.token, body.id)).status).toBe('PROCESSED');

    const health = async (token: string) => (await t.call('GET', '/api/v1/rag/health', token)).body.pgvector;
    const config = async (token: string) => (await t.call('GET', '/api/v1/rag/config', token)).body.documents;
    expect(await health(bob.token)).toMatchObject({
      total_documents: 0,
      processed_documents: 0,
      total_chunks: 0,
    });
    expect(await config(bob.token)).toMatchObject({ total: 0, processed: 0, total_chunks: 0 });
    const own = await health(alice.token);
    expect(own).toMatchObject({ total_documents: 2, processed_documents: 2 });
    expect(own.total_chunks).toBeGreaterThanOrEqual(2);
    // Admins read everything, so they see the organisation's figures.
    const admin = await health(await t.adminToken());
    expect(admin.total_documents).toBeGreaterThanOrEqual(2);
  });

  it("shows members' e-mail addresses to owners and admins, never to readers or editors", async () => {
    const manager = await t.createUser('manager');
    const reader = await t.createUser('user');
    const editor = await t.createUser('user');
    const { body } = await t.call('POST', '/api/v1/workspaces', manager.token, { name: 'Pajak' });
    for (const [member, role] of [
      [reader, 'reader'],
      [editor, 'editor'],
    ] as const)
      await t.call('PUT', `/api/v1/workspaces/${body.id}/members/${member.id}`, manager.token, { role });
    const members = async (token: string) =>
      (await t.call('GET', `/api/v1/workspaces/${body.id}/members`, token)).body.members;

    for (const token of [manager.token, await t.adminToken()]) {
      expect((await members(token)).map((m: any) => m.email).sort()).toEqual(
        [manager.email, reader.email, editor.email].sort(),
      );
    }
    for (const token of [reader.token, editor.token]) {
      const seen = await members(token);
      expect(seen).toHaveLength(3);
      expect(seen.every((m: any) => !('email' in m))).toBe(true);
      expect(JSON.stringify(seen)).not.toContain('@example.test');
    }
  });
});
