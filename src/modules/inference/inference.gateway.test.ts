import { describe, expect, it } from 'vitest';
import type { GenerationRequest, LanguageModel, StreamPart } from '../../providers/llm/language-model.js';
import { createMemoryConcurrencyLimiter } from '../../providers/rate-limit/concurrency-limiter.js';
import { createMemoryRateLimiter } from '../../providers/rate-limit/rate-limiter.js';
import { AppError } from '../../shared/errors.js';
import { createAdmissionService } from './admission.service.js';
import { createInferenceGateway } from './inference.gateway.js';

/** A scripted model (the outside system): records requests, fails when told to. */
function scriptedModel(fail?: AppError) {
  const requests: GenerationRequest[] = [];
  const parts: StreamPart[] = [
    { type: 'text-delta', text: 'Hi' },
    {
      type: 'finish',
      reason: 'stop',
      droppedMessages: 0,
      usage: { promptTokens: 1, completionTokens: 1, evaluatedPromptTokens: 1 },
    },
  ];
  const model: LanguageModel = {
    begin: async (request) => {
      if (fail) throw fail;
      requests.push(request);
      return {
        stream: async function* () {
          yield* parts;
        },
        release: () => undefined,
      };
    },
    stream: async function* () {
      yield* parts;
    },
    countTokens: async (text) => text.length,
    status: () => ({ loaded: true, activeSequences: 0, queuedRequests: 0 }),
  };
  return { model, requests };
}

function gatewayOver(model: LanguageModel) {
  const concurrency = createMemoryConcurrencyLimiter();
  const admission = createAdmissionService({
    limiter: createMemoryRateLimiter(),
    concurrency,
    limits: { perMinute: 100, perHour: 100, concurrentPerUser: 1 },
  });
  return { gateway: createInferenceGateway({ model, admission }), concurrency };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('inference gateway', () => {
  it("passes the user as the engine's fairness key and holds the place until the stream ends", async () => {
    const { model, requests } = scriptedModel();
    const { gateway, concurrency } = gatewayOver(model);
    const admitted = await gateway.admit('alice');
    const generation = await admitted.begin({ messages });
    expect(requests[0]?.fairnessKey).toBe('alice');
    expect(await concurrency.inFlight('generate:alice')).toBe(1);
    for await (const part of generation.stream()) expect(part).toBeDefined();
    await settle();
    expect(await concurrency.inFlight('generate:alice')).toBe(0);
  });

  it('gives the place back when the model refuses, when the consumer stops early, and on release', async () => {
    const busy = new AppError('MODEL_BUSY', 'busy', { retryAfterSeconds: 2 });
    const refusing = gatewayOver(scriptedModel(busy).model);
    await expect((await refusing.gateway.admit('alice')).begin({ messages })).rejects.toBe(busy);
    await settle();
    expect(await refusing.concurrency.inFlight('generate:alice')).toBe(0);

    const { gateway, concurrency } = gatewayOver(scriptedModel().model);
    const stopped = await (await gateway.admit('alice')).begin({ messages });
    for await (const _ of stopped.stream()) break; // the client went away after the first part
    await settle();
    expect(await concurrency.inFlight('generate:alice')).toBe(0);

    const unused = await (await gateway.admit('alice')).begin({ messages });
    unused.release();
    await settle();
    expect(await concurrency.inFlight('generate:alice')).toBe(0);
  });
});
