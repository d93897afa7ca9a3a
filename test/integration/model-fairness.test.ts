import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../helpers/sse.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const post = (t: TestApp, path: string, token: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Starts a stream and resolves once its first chunk arrived. The body stays open (unlike readSse with
 * a stop, which disconnects), so the generation keeps its sequence until the controller aborts.
 */
async function startGenerating(t: TestApp, token: string, controller: AbortController) {
  const response = await post(
    t,
    '/api/v1/chat/stream',
    token,
    { message: 'Once upon a time', max_tokens: 100_000, ignore_eos: true },
    controller.signal,
  );
  if (response.status !== 200) throw new Error(await response.text());
  const reader = response.body!.getReader();
  for (let text = ''; !text.includes('event: chunk');)
    text += new TextDecoder().decode((await reader.read()).value);
}

describe('one user flooding the model (the issue: 20 streams of max_tokens 131072, ignore_eos)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Test defaults (2 sequences, context 512) with the per-user cap and queue at their defaults.
    t = await startTestApp({ listen: true });
  });
  afterAll(() => t.close());

  it('serves the flooder at most its cap, refuses the rest at once with 429, and still serves another user', async () => {
    const flooder = await t.createUser();
    const other = await t.createUser();
    const flood = { message: 'Once upon a time', max_tokens: 131_072, ignore_eos: true };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(t, '/api/v1/chat/stream', flooder.token, flood)),
    );
    const accepted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 429);
    expect(accepted).toHaveLength(2); // MODEL_MAX_CONCURRENT_PER_USER defaults to 2
    expect(refused).toHaveLength(18);
    const bodies = (await Promise.all(refused.map((response) => response.json()))) as any[];
    expect(bodies.every((body) => body.error.code === 'RATE_LIMITED')).toBe(true);
    expect(bodies[0].error.details).toEqual({ limit: 'concurrent', max: 2 });
    expect(t.runtime.services.engine.status().activeSequences).toBe(2);

    // Both sequences are the flooder's right now; the other user waits in the queue and is served.
    const answer = post(t, '/api/v1/chat', other.token, { message: 'Once upon a time' });
    // max_tokens is clamped to the context left after the prompt: a sequence is held that long, no longer.
    for (const response of accepted) {
      const done = (await readSse(response)).at(-1)!;
      expect(done.event).toBe('done');
      expect(done.data.max_tokens).toBe(512 - done.data.usage.prompt_tokens);
      expect(done.data.usage.completion_tokens).toBe(done.data.max_tokens);
    }
    expect((await answer).status).toBe(200);
    expect(((await (await answer).json()) as any).response.length).toBeGreaterThan(0);
  });
});

describe('a single sequence shared by two users', () => {
  let t: TestApp;
  beforeAll(async () => {
    // One sequence makes the order of service observable; a long context makes a held sequence last.
    t = await startTestApp({
      listen: true,
      env: { MODEL_PARALLEL: '1', MODEL_CONTEXT_LENGTH: '4096', MODEL_MAX_CONCURRENT_PER_USER: '3' },
    });
  });
  afterAll(() => t.close());
  const engine = () => t.runtime.services.engine.status();

  it('serves a user with one request before the second and third request of a user who queued three', async () => {
    const alice = await t.createUser();
    const bob = await t.createUser();
    const order: string[] = [];
    const first = new AbortController();
    await startGenerating(t, alice.token, first);
    const queue = async (name: string, token: string, queued: number) => {
      const done = post(t, '/api/v1/chat/stream', token, { message: name, max_tokens: 4 }).then(
        async (response) => {
          order.push(name); // headers arrive once the request got the sequence
          expect(response.status).toBe(200);
          await readSse(response);
        },
      );
      await waitFor(() => engine().queuedRequests === queued);
      return { done };
    };
    const alice2 = await queue('alice 2', alice.token, 1);
    const alice3 = await queue('alice 3', alice.token, 2);
    const bob1 = await queue('bob 1', bob.token, 3);
    first.abort();
    await Promise.all([alice2.done, alice3.done, bob1.done]);
    expect(order).toEqual(['bob 1', 'alice 2', 'alice 3']);
  });

  it('refuses a generation beyond the cap at once, and aborted or failed requests give their place back', async () => {
    const alice = await t.createUser();
    const overflow = { message: 'Once upon a time', max_tokens: 4 };
    for (let round = 0; round < 2; round++) {
      await waitFor(() => engine().activeSequences === 0 && engine().queuedRequests === 0);
      const running = new AbortController();
      const waiting = [new AbortController(), new AbortController()];
      await startGenerating(t, alice.token, running);
      const queued = waiting.map((controller) =>
        post(t, '/api/v1/chat/stream', alice.token, overflow, controller.signal).catch(() => undefined),
      );
      await waitFor(() => engine().queuedRequests === 2);
      const started = performance.now();
      const refused = await post(t, '/api/v1/chat/stream', alice.token, overflow);
      expect(refused.status).toBe(429);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(((await refused.json()) as any).error.details).toEqual({ limit: 'concurrent', max: 3 });
      // Leave: one mid-answer, two while waiting in the queue. Round two finds all three places free.
      for (const controller of [...waiting, running]) controller.abort();
      await Promise.all(queued);
    }
    await waitFor(() => engine().activeSequences === 0 && engine().queuedRequests === 0);
    // Requests the model refuses (400: too long for the context) give their place back too.
    for (let index = 0; index < 4; index++) {
      const tooLong = await post(t, '/api/v1/chat', alice.token, { message: 'word '.repeat(5000) });
      expect(tooLong.status).toBe(400);
    }
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    await startGenerating(t, alice.token, controllers[0]!);
    const queued = controllers
      .slice(1)
      .map((controller) =>
        post(t, '/api/v1/chat/stream', alice.token, overflow, controller.signal).catch(() => undefined),
      );
    await waitFor(() => engine().queuedRequests === 2);
    for (const controller of controllers) controller.abort();
    await Promise.all(queued);
  });
});
