import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type DatabaseHandle } from '../../db/database.js';
import type { GenerationRequest, LanguageModel, StreamPart } from '../../providers/llm/language-model.js';
import { AppError } from '../../shared/errors.js';
import { createMemoryConcurrencyLimiter } from '../../providers/rate-limit/concurrency-limiter.js';
import { createMemoryRateLimiter } from '../../providers/rate-limit/rate-limiter.js';
import { createAdmissionService } from '../inference/admission.service.js';
import { createInferenceGateway } from '../inference/inference.gateway.js';
import type { Principal } from '../auth/auth.service.js';
import { createPromptRepository } from '../prompts/prompt.repository.js';
import { createPromptsService } from '../prompts/prompts.service.js';
import { createUserRepository } from '../users/user.repository.js';
import { createAccessRepository } from '../access/access.repository.js';
import { createPolicy } from '../access/policy.js';
import { createChatService, type ChatEvent } from './chat.service.js';
import { createConversationRepository } from './conversation.repository.js';

/** A scripted model: replays the parts it is given and records what it was asked. */
function scriptedModel(parts: StreamPart[], options: { busy?: boolean } = {}) {
  const requests: GenerationRequest[] = [];
  const released: number[] = [];
  const model: LanguageModel = {
    begin: async (request) => {
      if (options.busy) throw new AppError('MODEL_BUSY', 'busy', { retryAfterSeconds: 2 });
      requests.push(request);
      return {
        stream: async function* () {
          yield* parts;
        },
        release: () => released.push(1),
      };
    },
    stream: async function* () {
      yield* parts;
    },
    countTokens: async (text) => text.length,
    status: () => ({
      loaded: true,
      activeSequences: 0,
      queuedRequests: 0,
      model: { id: 'scripted', contextSize: 4096, parallelSequences: 1 },
    }),
  };
  return { model, requests, released };
}

const finish: StreamPart = {
  type: 'finish',
  reason: 'stop',
  droppedMessages: 0,
  usage: { promptTokens: 20, completionTokens: 6, evaluatedPromptTokens: 20 },
};

let database: DatabaseHandle;
let principal: Principal;
beforeAll(async () => {
  database = await openSqliteDatabase(':memory:');
  const user = await createUserRepository(database.db).insert({
    id: crypto.randomUUID(),
    email: 'u@example.test',
    username: 'u',
    display_name: null,
    password_hash: 'x',
    role: 'user',
    disabled: 0,
    must_change_password: 0,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    last_login_at: null,
  });
  principal = { user: { ...user, disabled: false, must_change_password: false } };
});
afterAll(() => database.close());

/** The real admission layer with limits these tests never reach. */
const unlimited = (model: LanguageModel) =>
  createInferenceGateway({
    model,
    admission: createAdmissionService({
      limiter: createMemoryRateLimiter(),
      concurrency: createMemoryConcurrencyLimiter(),
      limits: { perMinute: 10_000, perHour: 10_000, concurrentPerUser: 100 },
    }),
  });

function service(model: LanguageModel) {
  const clock = () => new Date();
  const prompts = createPromptsService({
    prompts: createPromptRepository(database.db),
    policy: policy(),
    clock,
  });
  return {
    chat: createChatService({
      conversations: createConversationRepository(database.db),
      prompts,
      model,
      inference: unlimited(model),
      policy: policy(),
      clock,
    }),
    prompts,
  };
}

/** The real permission checks over the test database. */
const policy = () => createPolicy({ access: createAccessRepository(database.db) });

async function collect(events: AsyncIterable<ChatEvent>) {
  const all: ChatEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('chat service', () => {
  it("keeps a reasoning model's thinking out of the answer and stores it separately", async () => {
    const { model } = scriptedModel([
      { type: 'reasoning-delta', text: 'Penurunan 15% itu besar; ' },
      { type: 'reasoning-delta', text: 'cek penyebabnya.' },
      { type: 'text-delta', text: 'Lakukan promo ' },
      { type: 'text-delta', text: 'terarah.' },
      finish,
    ]);
    const { chat } = service(model);
    const session = await chat.createSession(principal, {});
    const events = await collect(chat.sendMessage(principal, session.id, { message: 'Analisis penjualan' }));
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    expect(done.message.content).toBe('Lakukan promo terarah.');
    expect(done.message.reasoning).toBe('Penurunan 15% itu besar; cek penyebabnya.');
    const stored = await chat.getSession(principal, session.id);
    expect(stored.messages[1]).toMatchObject({
      content: 'Lakukan promo terarah.',
      reasoning: 'Penurunan 15% itu besar; cek penyebabnya.',
    });
  });

  it('sends the system prompt and history, and reuses the conversation as the cache key', async () => {
    const { model, requests } = scriptedModel([{ type: 'text-delta', text: 'ok' }, finish]);
    const { chat, prompts } = service(model);
    await prompts.ensureDefault();
    const session = await chat.createSession(principal, {});
    await collect(chat.sendMessage(principal, session.id, { message: 'one' }));
    await collect(chat.sendMessage(principal, session.id, { message: 'two' }));
    const last = requests.at(-1)!;
    expect(last.cacheKey).toBe(session.id);
    expect(last.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(last.messages.slice(1).map((message) => message.content)).toEqual(['one', 'ok', 'two']);
  });

  it('refuses before storing anything when the model is busy', async () => {
    const { model } = scriptedModel([finish], { busy: true });
    const { chat } = service(model);
    const session = await chat.createSession(principal, {});
    await expect(collect(chat.sendMessage(principal, session.id, { message: 'hi' }))).rejects.toMatchObject({
      code: 'MODEL_BUSY',
    });
    expect((await chat.getSession(principal, session.id)).messages).toEqual([]);
    // Without a session id, no conversation is created either.
    const before = (await chat.listSessions(principal, { offset: 0, limit: 100 })).total;
    await expect(collect(chat.sendMessage(principal, undefined, { message: 'hi' }))).rejects.toMatchObject({
      code: 'MODEL_BUSY',
    });
    expect((await chat.listSessions(principal, { offset: 0, limit: 100 })).total).toBe(before);
  });

  it('stores what was said so far, marked incomplete, when the consumer goes away', async () => {
    const { model, released } = scriptedModel([
      { type: 'text-delta', text: 'Once ' },
      { type: 'text-delta', text: 'upon' },
      finish,
    ]);
    const { chat } = service(model);
    const session = await chat.createSession(principal, {});
    for await (const event of chat.sendMessage(principal, session.id, { message: 'story' })) {
      if (event.type === 'text-delta') break;
    }
    const stored = await chat.getSession(principal, session.id);
    expect(stored.messages[1]).toMatchObject({ role: 'assistant', content: 'Once ', status: 'incomplete' });
    expect(released.length).toBeGreaterThan(0);
  });
});
