import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('when the model is busy', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    // One sequence and no wait queue: a second concurrent request cannot be served.
    t = await startTestApp({ listen: true, env: { MODEL_PARALLEL: '1', MODEL_QUEUE_LIMIT: '0' } });
    token = (await t.createUser()).token;
  });
  afterAll(() => t.close());

  const send = (path: string, body: object, signal?: AbortSignal) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });

  it('answers 503 MODEL_BUSY with Retry-After before streaming, and stores nothing', async () => {
    const controller = new AbortController();
    const long = await send(
      '/api/v1/chat/stream',
      { message: 'Once upon a time', max_tokens: 400, ignore_eos: true },
      controller.signal,
    );
    expect(long.status).toBe(200);
    // Read until the first chunk but keep the connection open: the generation keeps its sequence.
    const reader = long.body!.getReader();
    for (let text = ''; !text.includes('event: chunk');)
      text += new TextDecoder().decode((await reader.read()).value);

    const sessions = async () =>
      ((await (await fetch(`${t.url}/api/v1/chat/sessions`, { headers: bearer(token) })).json()) as any)
        .total;
    const before = await sessions();
    const busy = await send('/api/v1/chat/stream', { message: 'me too' });
    expect(busy.status).toBe(503);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await busy.json()) as any).error.code).toBe('MODEL_BUSY');
    const oneShot = await send('/api/v1/chat', { message: 'me too' });
    expect(oneShot.status).toBe(503);
    expect(await sessions()).toBe(before);
    controller.abort();
  });
});

describe('without a model', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ model: false });
  });
  afterAll(() => t.close());

  it('still starts; /health says degraded and chat says how to install one', async () => {
    const health = await t.call('GET', '/health', await t.adminToken());
    expect(health.body).toMatchObject({ status: 'degraded', model: null });
    const user = await t.createUser();
    const chat = await t.call('POST', '/api/v1/chat', user.token, { message: 'hi' });
    expect(chat.status).toBe(503);
    expect(chat.body.error.code).toBe('MODEL_NOT_LOADED');
    expect(chat.body.error.message).toContain('npx privatestack models pull');
  });

  it('starts degraded when MODEL_PATH points at a missing file', async () => {
    const broken = await startTestApp({ model: false, env: { MODEL_PATH: '/nonexistent/model.gguf' } });
    try {
      expect(broken.runtime.modelError).toContain('/nonexistent/model.gguf');
      expect((await broken.app.inject({ method: 'GET', url: '/health' })).json().status).toBe('degraded');
    } finally {
      await broken.close();
    }
  });
});
