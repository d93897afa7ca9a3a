import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readSse } from '../helpers/sse.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';
import { wsChat as wsChatAt } from '../helpers/ws.js';

let t: TestApp;
const wsChat = (token: string, frame: unknown) => wsChatAt(t.url, token, frame);
let alice: { id: string; email: string; token: string };
let bob: { id: string; token: string };

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  alice = await t.createUser();
  bob = await t.createUser();
});
afterAll(() => t.close());

const post = (path: string, token: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
const get = async (path: string, token: string) => {
  const response = await fetch(`${t.url}${path}`, { headers: bearer(token) });
  return { status: response.status, body: (await response.json()) as any };
};
const newSession = async (token: string, body: Record<string, unknown> = {}) =>
  (await (await post('/api/v1/chat/sessions', token, body)).json()) as { id: string; title: string };

describe('chat sessions over real HTTP', () => {
  it('streams user_message, chunk and done events and stores both messages', async () => {
    const session = await newSession(alice.token);
    const response = await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, {
      message: 'Once upon a time',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(response);
    expect(events[0]).toMatchObject({
      event: 'user_message',
      data: { role: 'user', content: 'Once upon a time' },
    });
    const chunks = events.filter((event) => event.event === 'chunk');
    expect(chunks.length).toBeGreaterThan(2);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data).toMatchObject({ role: 'assistant', status: 'complete', model: 'stories260K' });
    expect(done.data.content).toBe(chunks.map((chunk) => chunk.data.content).join(''));
    expect(done.data.usage.completion_tokens).toBeGreaterThan(0);
    expect(done.data.usage.prompt_tokens).toBeGreaterThan(0);

    const stored = await get(`/api/v1/chat/sessions/${session.id}`, alice.token);
    expect(stored.body.title).toBe('Once upon a time');
    expect(stored.body.messages.map((message: any) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(stored.body.messages[1].content).toBe(done.data.content);
    expect(stored.body.messages[1].latency_ms).toBeGreaterThan(0);
  });

  it('keeps history: the second turn sees the first', async () => {
    const session = await newSession(alice.token);
    await readSse(
      await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, { message: 'Lily had a dog.' }),
    );
    const events = await readSse(
      await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, { message: 'What next?' }),
    );
    const done = events.at(-1)!.data;
    // The prompt of turn two holds the system prompt, turn one (both sides) and the new question.
    const first = (await get(`/api/v1/chat/sessions/${session.id}`, alice.token)).body.messages[1];
    expect(done.usage.prompt_tokens).toBeGreaterThan(
      first.usage.prompt_tokens + first.usage.completion_tokens,
    );
    expect((await get(`/api/v1/chat/sessions/${session.id}`, alice.token)).body.total_messages).toBe(4);
  });

  it("never shows another user's session: 404 on read, write, stream and WebSocket", async () => {
    const session = await newSession(alice.token);
    expect((await get(`/api/v1/chat/sessions/${session.id}`, bob.token)).status).toBe(404);
    const stream = await post(`/api/v1/chat/sessions/${session.id}/messages`, bob.token, {
      message: 'leak?',
    });
    expect(stream.status).toBe(404);
    expect(((await stream.json()) as any).error.code).toBe('NOT_FOUND');
    const rename = await fetch(`${t.url}/api/v1/chat/sessions/${session.id}`, {
      method: 'PATCH',
      headers: { ...bearer(bob.token), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'mine now' }),
    });
    expect(rename.status).toBe(404);
    const remove = await fetch(`${t.url}/api/v1/chat/sessions/${session.id}`, {
      method: 'DELETE',
      headers: bearer(bob.token),
    });
    expect(remove.status).toBe(404);
    const frames = await wsChat(bob.token, { message: 'leak?', session_id: session.id });
    expect(frames.at(-1)).toMatchObject({ done: true, error: { code: 'NOT_FOUND' } });
    expect((await get('/api/v1/chat/sessions', bob.token)).body.sessions.map((s: any) => s.id)).not.toContain(
      session.id,
    );
    // Alice's session is untouched.
    expect((await get(`/api/v1/chat/sessions/${session.id}`, alice.token)).body.total_messages).toBe(0);
  });

  it('stops generating when the client disconnects and stores the partial answer as incomplete', async () => {
    const session = await newSession(alice.token);
    const controller = new AbortController();
    const response = await post(
      `/api/v1/chat/sessions/${session.id}/messages`,
      alice.token,
      { message: 'Once upon a time', max_tokens: 400, ignore_eos: true },
      controller.signal,
    );
    await readSse(
      response,
      (_event, all) => all.filter((event) => event.event === 'chunk').length >= 3,
    ).catch(() => []);
    controller.abort();
    const stored = await waitFor(async () => {
      const messages = (await get(`/api/v1/chat/sessions/${session.id}`, alice.token)).body.messages;
      return messages.length === 2 ? messages[1] : undefined;
    });
    expect(stored.status).toBe('incomplete');
    expect(stored.content.length).toBeGreaterThan(0);
    expect(stored.usage.completion_tokens).toBeLessThan(400);
    expect(t.runtime.services.engine.status().activeSequences).toBe(0);
  });

  it('validates input: missing message names the field; empty and oversized ones are refused', async () => {
    const session = await newSession(alice.token);
    const missing = await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, {});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'message' },
    });
    const empty = await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, { message: '' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as any).error.details.field).toBe('message');
    const huge = await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, {
      message: 'x'.repeat(1_100_000),
    });
    expect(huge.status).toBe(413);
    const badTemperature = await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, {
      message: 'x',
      temperature: 9,
    });
    expect(badTemperature.status).toBe(400);
    expect(((await badTemperature.json()) as any).error.details.field).toBe('temperature');
  });

  it('answers a prompt longer than the context with a clear 400 and stores nothing', async () => {
    const session = await newSession(alice.token);
    const response = await post(`/api/v1/chat/sessions/${session.id}/messages`, alice.token, {
      message: 'story '.repeat(3000),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error).toMatchObject({ code: 'CONTEXT_LENGTH_EXCEEDED' });
    expect((await get(`/api/v1/chat/sessions/${session.id}`, alice.token)).body.messages).toEqual([]);
  });

  it('lets viewers read but not chat', async () => {
    const viewer = await t.createUser('viewer');
    expect((await get('/api/v1/chat/sessions', viewer.token)).status).toBe(200);
    expect((await post('/api/v1/chat/sessions', viewer.token, {})).status).toBe(403);
  });
});

describe('one-shot chat', () => {
  it('answers POST /api/v1/chat with the response and a conversation to continue', async () => {
    const response = await post('/api/v1/chat', alice.token, {
      message: 'Once upon a time',
      context: 'a bedtime story',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.response.length).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    const session = await get(`/api/v1/chat/sessions/${body.conversation_id}`, alice.token);
    expect(session.body.messages[0].content).toContain('Context: a bedtime story');
    const again = (await (
      await post('/api/chat', alice.token, { message: 'More', conversation_id: body.conversation_id })
    ).json()) as any;
    expect(again.conversation_id).toBe(body.conversation_id);
  });

  it('streams POST /api/v1/chat/stream as SSE', async () => {
    const events = await readSse(
      await post('/api/v1/chat/stream', alice.token, { message: 'Once upon a time' }),
    );
    expect(events.map((event) => event.event)).toContain('chunk');
    expect(events.at(-1)!.event).toBe('done');
  });
});

describe('WebSocket chat', () => {
  it('streams {chunk, done} frames and stores the turn', async () => {
    const frames = await wsChat(alice.token, { message: 'Once upon a time' });
    const last = frames.at(-1)!;
    expect(last).toMatchObject({ chunk: '', done: true });
    const text = frames
      .filter((frame) => frame.done === false && 'chunk' in frame)
      .map((frame) => frame.chunk)
      .join('');
    expect(text.length).toBeGreaterThan(0);
    expect(last.message.content).toBe(text);
    const session = await get(`/api/v1/chat/sessions/${last.session_id}`, alice.token);
    expect(session.body.messages).toHaveLength(2);
  });

  it('refuses a connection without a valid token', async () => {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/chat/ws?token=forged`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });

  it('stops an answer on a cancel frame and stores it as incomplete', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/chat/ws?token=${alice.token}`);
    const frames: any[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () =>
        socket.send(JSON.stringify({ message: 'Once upon a time', max_tokens: 400, ignore_eos: true })),
      );
      socket.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString('utf8'));
        frames.push(frame);
        if (frames.length === 3) socket.send(JSON.stringify({ type: 'cancel' }));
        if (frame.done) resolve();
      });
      socket.on('error', reject);
    });
    socket.close();
    const last = frames.at(-1);
    expect(last).toMatchObject({ done: true, message: { status: 'incomplete' } });
    expect(last.message.usage.completion_tokens).toBeLessThan(400);
  });

  it('stops answering on an open socket once the user is disabled', async () => {
    const carol = await t.createUser();
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/chat/ws?token=${carol.token}`);
    await new Promise((resolve) => socket.on('open', resolve));
    const next = () =>
      new Promise<any>((resolve) => {
        const frames: any[] = [];
        const onMessage = (data: Buffer) => {
          const frame = JSON.parse(data.toString('utf8'));
          frames.push(frame);
          if (frame.done) {
            socket.off('message', onMessage);
            resolve(frame);
          }
        };
        socket.on('message', onMessage);
      });
    socket.send(JSON.stringify({ message: 'Once upon a time' }));
    expect((await next()).message.status).toBe('complete');
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${carol.id}`,
      headers: bearer(await t.adminToken()),
      payload: { disabled: true },
    });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ message: 'Still there?' }));
    expect((await next()).error.code).toBe('UNAUTHORIZED');
    expect(await closed).toBe(4401);
  });

  it("takes a fresh token for the same user on an open socket, and refuses another user's", async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/chat/ws?token=${alice.token}`);
    const frames: any[] = [];
    socket.on('message', (data) => frames.push(JSON.parse((data as Buffer).toString('utf8'))));
    await new Promise((resolve) => socket.on('open', resolve));
    const fresh = await t.login(alice.email, 'user password 123');
    socket.send(JSON.stringify({ type: 'auth', token: fresh }));
    await waitFor(async () => (frames.length >= 1 ? true : undefined));
    expect(frames[0]).toEqual({ type: 'auth', ok: true });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'auth', token: bob.token }));
    expect(await closed).toBe(4401);
    expect(frames.at(-1).error.code).toBe('FORBIDDEN');
  });

  it('answers a malformed frame with a VALIDATION_ERROR frame', async () => {
    const frames = await wsChat(alice.token, { nonsense: true });
    expect(frames.at(-1)).toMatchObject({ done: true, error: { code: 'VALIDATION_ERROR' } });
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
