import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamPart } from '../../src/providers/llm/language-model.js';
import { readSse } from '../helpers/sse.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

// Issue #9 item 12 follow-up: MaxListenersExceededWarning ("11 abort listeners added to [AbortSignal]")
// under concurrent generations. Every request that waited for a sequence left its abort listener on
// its signal once served: one dead listener per HTTP request, and on a signal shared by many
// generations (a batch, a terminal session) one per waiter, which passed Node's threshold of 10.

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('abort listeners under concurrent generations (real llama.cpp, two sequences)', () => {
  let t: TestApp;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  const engine = () => t.runtime.services.engine;
  /** Node emits the warning on the next tick; wait one turn before reading. */
  const listenerWarnings = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String);
  };

  beforeAll(async () => {
    t = await startTestApp({
      listen: true,
      env: {
        MODEL_PARALLEL: '2',
        // Room for two long answers that hold both sequences while the others queue.
        MODEL_CONTEXT_LENGTH: '4096',
        MODEL_QUEUE_LIMIT: '24',
        MODEL_MAX_CONCURRENT_PER_USER: '5',
        RATE_LIMIT_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
    vi.restoreAllMocks();
  });

  it('20 concurrent streams of 4 users, 3 leaving while queued: no warning, no listener left on any request signal', async () => {
    const begin = vi.spyOn(engine(), 'begin');
    const [holder, ...users] = await Promise.all(Array.from({ length: 5 }, () => t.createUser()));
    const stream = (token: string, body: object, client: AbortController) =>
      fetch(`${t.url}/api/v1/chat/stream`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: client.signal,
      });
    // Two long answers hold both sequences, so all 20 requests below wait in the queue.
    const holders = [new AbortController(), new AbortController()];
    for (const client of holders) {
      const long = { message: 'Once upon a time', max_tokens: 100_000, ignore_eos: true };
      const response = await stream(holder!.token, long, client);
      const reader = response.body!.getReader();
      for (let text = ''; !text.includes('event: chunk');)
        text += new TextDecoder().decode((await reader.read()).value);
    }
    const clients = Array.from({ length: 20 }, () => new AbortController());
    const streams = clients.map((client, index) =>
      stream(users[index % 4]!.token, { message: `Once upon a time ${index}`, max_tokens: 6 }, client),
    );
    const left = streams.slice(-3).map((response) =>
      response.then(
        () => 'answered',
        () => 'left',
      ),
    );
    await waitFor(() => engine().status().queuedRequests === 20);
    for (const client of clients.slice(-3)) client.abort();
    await waitFor(() => engine().status().queuedRequests === 17);
    // The holders leave mid-answer: their sequences go to the waiting requests.
    for (const client of holders) client.abort();
    for (const response of await Promise.all(streams.slice(0, -3))) {
      expect(response.status).toBe(200);
      expect((await readSse(response)).at(-1)?.event).toBe('done');
    }
    expect(await Promise.all(left)).toEqual(['left', 'left', 'left']);
    await waitFor(() => engine().status().activeSequences === 0 && engine().status().queuedRequests === 0);

    const signals = begin.mock.calls.map(([, signal]) => signal!);
    expect(signals).toHaveLength(22);
    expect(signals.map(abortListeners)).toEqual(signals.map(() => 0));
    expect(await listenerWarnings()).toEqual([]);
  });

  it('20 generations sharing one long-lived signal (a batch, a terminal session): one listener at most, none after', async () => {
    const session = new AbortController();
    let mostListeners = 0;
    const generate = async (index: number) => {
      const parts: StreamPart[] = [];
      const request = {
        messages: [{ role: 'user' as const, content: `Story ${index}` }],
        options: { maxTokens: 4 },
      };
      for await (const part of engine().stream(request, session.signal)) {
        mostListeners = Math.max(mostListeners, abortListeners(session.signal));
        parts.push(part);
      }
      return parts.at(-1);
    };
    const finishes = await Promise.all(Array.from({ length: 20 }, (_, index) => generate(index)));
    expect(finishes.every((finish) => finish?.type === 'finish' && finish.reason === 'length')).toBe(true);
    expect(mostListeners).toBeLessThanOrEqual(1);
    expect(abortListeners(session.signal)).toBe(0);
    expect(await listenerWarnings()).toEqual([]);
  });

  it('aborting a shared signal ends the running generations, drops the queued ones, and leaves no listener', async () => {
    const batch = new AbortController();
    const long = { options: { maxTokens: 200, ignoreEos: true } };
    const runs = Array.from({ length: 12 }, async (_, index) => {
      const parts: StreamPart[] = [];
      const request = { messages: [{ role: 'user' as const, content: `Tale ${index}` }], ...long };
      for await (const part of engine().stream(request, batch.signal)) parts.push(part);
      return parts.at(-1);
    });
    await waitFor(() => engine().status().queuedRequests === 10);
    expect(abortListeners(batch.signal)).toBe(1);
    batch.abort(new Error('batch cancelled'));
    const outcomes = await Promise.allSettled(runs);
    const ended = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(ended.map((finish) => finish?.type === 'finish' && finish.reason)).toEqual(['abort', 'abort']);
    const dropped = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(dropped.map(String)).toEqual(Array(10).fill('Error: batch cancelled'));
    expect(engine().status()).toMatchObject({ activeSequences: 0, queuedRequests: 0 });
    expect(abortListeners(batch.signal)).toBe(0);
    expect(await listenerWarnings()).toEqual([]);
  });
});
