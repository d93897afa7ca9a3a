import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../helpers/sse.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';
import { wsChat as wsChatAt } from '../helpers/ws.js';

// A small limit set through configuration, as an operator would.
const PER_MINUTE = 5;

let t: TestApp;
const wsChat = (token: string, frame: unknown) => wsChatAt(t.url, token, frame);
beforeAll(async () => {
  t = await startTestApp({ listen: true, env: { RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) } });
});
afterAll(() => t.close());

const post = (path: string, token: string, body: unknown) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const quota = (response: Response) => ({
  limit: Number(response.headers.get('ratelimit-limit')),
  remaining: Number(response.headers.get('ratelimit-remaining')),
  reset: Number(response.headers.get('ratelimit-reset')),
});

const sessionCount = async (token: string) =>
  ((await (await fetch(`${t.url}/api/v1/chat/sessions`, { headers: bearer(token) })).json()) as any).total;

const expectRateLimited = async (response: Response) => {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(quota(response)).toEqual({ limit: PER_MINUTE, remaining: 0, reset: retryAfter });
  expect(((await response.json()) as any).error).toMatchObject({
    code: 'RATE_LIMITED',
    details: { limit: 'per_minute', max: PER_MINUTE },
  });
};

describe('per-user request limit on every generating endpoint', () => {
  it('counts one-shot, stream, session message, regenerate and WebSocket turns alike; the next is 429', async () => {
    const user = await t.createUser();
    const oneShot = await post('/api/v1/chat', user.token, { message: 'Once upon a time' });
    expect(oneShot.status).toBe(200);
    expect(quota(oneShot)).toMatchObject({ limit: PER_MINUTE, remaining: 4 });
    expect(quota(oneShot).reset).toBeGreaterThan(0);
    expect(quota(oneShot).reset).toBeLessThanOrEqual(60);

    const stream = await post('/api/v1/chat/stream', user.token, { message: 'Lily' });
    expect(stream.status).toBe(200);
    expect(quota(stream).remaining).toBe(3);
    await readSse(stream);

    const session = (await (await post('/api/v1/chat/sessions', user.token, {})).json()) as { id: string };
    const message = await post(`/api/v1/chat/sessions/${session.id}/messages`, user.token, { message: 'Hi' });
    expect(quota(message).remaining).toBe(2);
    await readSse(message);

    const regenerate = await post(`/api/v1/chat/sessions/${session.id}/regenerate`, user.token, {});
    expect(quota(regenerate).remaining).toBe(1);
    await readSse(regenerate);

    const socketTurn = await wsChat(user.token, { message: 'The dog' });
    expect(socketTurn.at(-1)).toMatchObject({ done: true, chunk: '' });

    // The budget is spent: every generating endpoint now refuses, before storing anything.
    const sessionsBefore = await sessionCount(user.token);
    await expectRateLimited(await post('/api/v1/chat/stream', user.token, { message: 'again' }));
    await expectRateLimited(await post('/api/v1/chat', user.token, { message: 'again' }));
    await expectRateLimited(
      await post(`/api/v1/chat/sessions/${session.id}/messages`, user.token, { message: 'again' }),
    );
    await expectRateLimited(await post(`/api/v1/chat/sessions/${session.id}/regenerate`, user.token, {}));
    const refusedFrame = (await wsChat(user.token, { message: 'again' })).at(-1);
    expect(refusedFrame).toMatchObject({ done: true, error: { code: 'RATE_LIMITED' } });
    expect(refusedFrame.retry_after).toBeGreaterThan(0);
    expect(await sessionCount(user.token)).toBe(sessionsBefore);
    const stored = await t.call('GET', `/api/v1/chat/sessions/${session.id}`, user.token);
    expect(stored.body.total_messages).toBe(2);
  });

  it('leaves other users unaffected while one user is limited', async () => {
    const flooder = await t.createUser();
    const other = await t.createUser();
    for (let index = 0; index < PER_MINUTE; index++) {
      expect((await post('/api/v1/chat', flooder.token, { message: 'Once', max_tokens: 4 })).status).toBe(
        200,
      );
    }
    await expectRateLimited(await post('/api/v1/chat', flooder.token, { message: 'Once' }));
    const served = await post('/api/v1/chat', other.token, { message: 'Once upon a time' });
    expect(served.status).toBe(200);
    expect(quota(served).remaining).toBe(PER_MINUTE - 1);
    expect(((await served.json()) as any).response.length).toBeGreaterThan(0);
  });

  it('does not count requests refused before generation: unknown sessions and invalid bodies', async () => {
    const user = await t.createUser();
    for (let index = 0; index < PER_MINUTE + 2; index++) {
      const missing = `/api/v1/chat/sessions/${crypto.randomUUID()}/messages`;
      expect((await post(missing, user.token, { message: 'Hi' })).status).toBe(404);
      expect((await post('/api/v1/chat', user.token, { message: '' })).status).toBe(400);
    }
    const served = await post('/api/v1/chat', user.token, { message: 'Once', max_tokens: 4 });
    expect(served.status).toBe(200);
    expect(quota(served).remaining).toBe(PER_MINUTE - 1);
  });
});
