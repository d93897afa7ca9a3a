import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../helpers/sse.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ listen: true, env: { MODEL_TEMPERATURE: '0.9' } });
});
afterAll(() => t.close());

const post = (path: string, token: string, body: unknown) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const conversation = async (id: string, token: string): Promise<any> =>
  (await fetch(`${t.url}/api/v1/chat/sessions/${id}`, { headers: bearer(token) })).json();

describe('regenerate', () => {
  it('replaces the last answer with a new one, keeping the question and the numbering', async () => {
    const alice = await t.createUser('user');
    const session = (await t.call('POST', '/api/v1/chat/sessions', alice.token, {})).body;
    await readSse(
      await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, { message: 'Lily' }),
    );
    await readSse(
      await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, {
        message: 'Once upon a time',
      }),
    );
    const before = await conversation(session.id, alice.token);
    expect(before.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);

    const response = await post(`/api/v1/chat/sessions/${session.id}/regenerate`, alice.token, { seed: 7 });
    expect(response.status).toBe(200);
    const events = await readSse(response);
    const names = events.map((event) => event.event);
    expect(names).not.toContain('user_message');
    expect(names.filter((name) => name === 'chunk').length).toBeGreaterThan(0);
    const done = events.find((event) => event.event === 'done')!.data;

    const after = await conversation(session.id, alice.token);
    expect(after.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(after.messages.slice(0, 3)).toEqual(before.messages.slice(0, 3));
    expect(after.messages[3].id).not.toBe(before.messages[3].id);
    expect(after.messages[3].id).toBe(done.id);
    expect(after.total_messages).toBe(4);

    // Later turns keep numbering after the regenerated answer.
    await readSse(
      await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, { message: 'More' }),
    );
    expect((await conversation(session.id, alice.token)).messages).toHaveLength(6);
  });

  it('answers 409 with nothing to regenerate, 404 for another user, 401 without a token', async () => {
    const alice = await t.createUser('user');
    const bob = await t.createUser('user');
    const empty = (await t.call('POST', '/api/v1/chat/sessions', alice.token, {})).body;
    const conflict = await post(`/api/v1/chat/sessions/${empty.id}/regenerate`, alice.token, {});
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as any).error.code).toBe('CONFLICT');

    await readSse(await post(`/api/v1/chat/sessions/${empty.id}/messages`, alice.token, { message: 'Hi' }));
    const stolen = await post(`/api/v1/chat/sessions/${empty.id}/regenerate`, bob.token, {});
    expect(stolen.status).toBe(404);
    const anonymous = await fetch(`${t.url}/api/v1/chat/sessions/${empty.id}/regenerate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    expect((await conversation(empty.id, alice.token)).messages).toHaveLength(2);
  });
});
