import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../../../../test/helpers/shared-models.js';
import { AppError } from '../../../shared/errors.js';
import type { ChatMessage, GenerationRequest, StreamPart } from '../language-model.js';
import { LocalEngine } from './local-engine.js';

const engine = new LocalEngine({
  contextSize: 512,
  parallelSequences: 2,
  queueLimit: 1,
  threads: 1, // tests run in parallel: never more llama.cpp threads than cores
  useMmap: false,
  defaults: { temperature: 0, topP: 1, maxTokens: 40 },
  maxTokensLimit: 300,
});

async function collect(request: GenerationRequest, signal?: AbortSignal) {
  const parts: StreamPart[] = [];
  for await (const part of engine.stream(request, signal)) parts.push(part);
  const finish = parts.at(-1);
  if (finish?.type !== 'finish') throw new Error('stream did not end with finish');
  const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
  return { text, finish, parts };
}

const ask = (content: string, extra: Partial<GenerationRequest> = {}): GenerationRequest => ({
  messages: [{ role: 'user', content }],
  ...extra,
});

beforeAll(async () => {
  await engine.load(storiesModel(), 'stories260K');
});
afterAll(() => engine.dispose());

describe('LocalEngine on a real GGUF model', () => {
  it('streams text deltas and ends with usage', async () => {
    const { text, finish } = await collect(ask('Once upon a time'));
    expect(text.length).toBeGreaterThan(10);
    expect(finish.usage.promptTokens).toBeGreaterThan(3);
    expect(finish.usage.completionTokens).toBeGreaterThan(5);
    expect(['stop', 'length']).toContain(finish.reason);
  });

  it('is deterministic at temperature 0', async () => {
    const first = await collect(ask('The cat sat', { cacheKey: 'a' }));
    const second = await collect(ask('The cat sat', { cacheKey: 'b' }));
    expect(second.text).toBe(first.text);
  });

  it('reuses the cached prefix when the same conversation continues', async () => {
    const history = [
      { role: 'system' as const, content: 'You tell short stories about animals and children.' },
      { role: 'user' as const, content: 'Tell me about Lily and her dog.' },
    ];
    const turn1 = await collect({ messages: history, cacheKey: 'conversation-1' });
    const turn2 = await collect({
      messages: [
        ...history,
        { role: 'assistant', content: turn1.text },
        { role: 'user', content: 'And then?' },
      ],
      cacheKey: 'conversation-1',
    });
    expect(turn2.finish.usage.promptTokens).toBeGreaterThan(turn1.finish.usage.promptTokens);
    // Only the new turn is evaluated; the history comes from the KV cache.
    expect(turn2.finish.usage.evaluatedPromptTokens).toBeLessThan(turn2.finish.usage.promptTokens / 2);
  });

  it('generates exactly max_tokens with ignore_eos', async () => {
    const { finish } = await collect(
      ask('Once upon a time', { options: { maxTokens: 60, ignoreEos: true } }),
    );
    expect(finish.usage.completionTokens).toBe(60);
    expect(finish.reason).toBe('length');
  });

  it('clamps a huge max_tokens with ignore_eos to the server limit and to the context left', async () => {
    const huge = { options: { maxTokens: 131_072, ignoreEos: true } };
    const short = await collect(ask('Once upon a time', huge));
    expect(short.finish.maxTokens).toBe(300);
    expect(short.finish.usage.completionTokens).toBe(300);
    expect(short.finish.reason).toBe('length');

    const long = await collect(ask('The little girl played in the park. '.repeat(22), huge));
    const room = 512 - long.finish.usage.promptTokens;
    expect(room).toBeLessThan(300);
    expect(long.finish.maxTokens).toBe(room);
    expect(long.finish.usage.completionTokens).toBe(room);
    expect(engine.status().activeSequences).toBe(0);
  });

  it('stops at a stop string without emitting it', async () => {
    const full = await collect(ask('Once upon a time', { options: { maxTokens: 40 } }));
    const word = full.text.trim().split(/\s+/)[3]!;
    const stopped = await collect(ask('Once upon a time', { options: { maxTokens: 40, stop: [word] } }));
    expect(stopped.text).not.toContain(word);
    expect(full.text.startsWith(stopped.text)).toBe(true);
    expect(stopped.finish.reason).toBe('stop');
  });

  it('stops generating when aborted and frees the sequence', async () => {
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    for await (const part of engine.stream(
      ask('Once upon a time', { options: { maxTokens: 400, ignoreEos: true } }),
      controller.signal,
    )) {
      parts.push(part);
      if (parts.length === 3) controller.abort();
    }
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.reason).toBe('abort');
    expect(finish?.type === 'finish' && finish.usage.completionTokens).toBeLessThan(20);
    expect(engine.status().activeSequences).toBe(0);
  });

  it('answers MODEL_BUSY when every sequence is busy and the queue is full', async () => {
    const long = { options: { maxTokens: 200, ignoreEos: true } };
    const running = [collect(ask('a', long)), collect(ask('b', long)), collect(ask('c', long))];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rejected = await collect(ask('d')).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(AppError);
    expect((rejected as AppError).code).toBe('MODEL_BUSY');
    const results = await Promise.all(running);
    expect(results.every((result) => result.finish.usage.completionTokens === 200)).toBe(true);
  });

  it('drops the oldest turns of a long conversation but keeps the system prompt', async () => {
    const filler = 'The little girl played in the park with her friends all day long. '.repeat(6);
    const messages: ChatMessage[] = [{ role: 'system', content: 'Be kind.' }];
    for (let turn = 0; turn < 12; turn++) {
      messages.push({ role: 'user', content: `${turn} ${filler}` }, { role: 'assistant', content: filler });
    }
    messages.push({ role: 'user', content: 'The end?' });
    const { finish } = await collect({ messages });
    expect(finish.droppedMessages).toBeGreaterThan(0);
    expect(finish.usage.promptTokens).toBeLessThanOrEqual(512);
  });

  it('rejects a single message longer than the context with CONTEXT_LENGTH_EXCEEDED', async () => {
    const error = await collect(ask('word '.repeat(2000))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONTEXT_LENGTH_EXCEEDED');
    expect((error as AppError).status).toBe(400);
  });
});
