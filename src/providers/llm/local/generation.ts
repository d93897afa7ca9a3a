import {
  LlamaText,
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { AppError } from '../../../shared/errors.js';
import type { ChatMessage, FinishReason, GenerationRequest, StreamPart } from '../language-model.js';
import { ReasoningSplitter } from '../reasoning-splitter.js';
import { StopDetector } from '../stop-detector.js';
import type { BatchScheduler } from './batch-scheduler.js';
import { TokenTextDecoder } from './token-text.js';

/** What rendering a prompt needs. */
export interface PromptJob {
  readonly model: LlamaModel;
  readonly chatWrapper: ChatWrapper;
  readonly contextSize: number;
  readonly request: GenerationRequest;
  readonly defaults: { readonly temperature: number; readonly topP: number; readonly maxTokens: number };
  /** Most tokens one answer may generate, whatever the request asks. */
  readonly maxTokensLimit?: number;
}

/** Everything one generation needs. */
export interface GenerationJob extends PromptJob {
  readonly sequence: LlamaContextSequence;
  readonly scheduler: BatchScheduler;
  readonly signal?: AbortSignal;
}

/** A rendered prompt that fits the context window. */
export interface FittedPrompt {
  readonly tokens: Token[];
  readonly stops: string[];
  readonly startsInReasoning: boolean;
  readonly droppedMessages: number;
  readonly maxTokens: number;
}

/** Generates on one sequence: reuses the cached prefix, streams deltas, honours stops, limits and aborts. */
export async function* generateOnSequence(
  job: GenerationJob,
  prompt: FittedPrompt,
): AsyncGenerator<StreamPart> {
  const { model, sequence, request, defaults, signal, scheduler } = job;
  const options = request.options ?? {};
  const reused = await reusePrefix(sequence, prompt.tokens);
  const decoder = new TokenTextDecoder(model);
  const splitter = new ReasoningSplitter(prompt.startsInReasoning);
  const stopper = new StopDetector(prompt.stops);
  let completionTokens = 0;
  let reason: FinishReason = 'stop';

  const tokens = sequence.evaluate(prompt.tokens.slice(reused), {
    temperature: options.temperature ?? defaults.temperature,
    topP: options.topP ?? defaults.topP,
    ...(options.topK !== undefined && { topK: options.topK }),
    ...(options.seed !== undefined && { seed: options.seed }),
    yieldEogToken: options.ignoreEos === true,
  });
  scheduler.enter();
  // The next token is requested before the current one is handed downstream, so every sequence
  // queues its next decode in the same event-loop turn and they share one batch.
  let pending: Promise<IteratorResult<Token, void>> | undefined = requestNext(tokens, scheduler);
  try {
    while (pending) {
      const next: IteratorResult<Token, void> = await pending;
      pending = undefined;
      if (next.done) break;
      completionTokens += 1;
      const lastAllowed = completionTokens >= prompt.maxTokens;
      if (!lastAllowed && !signal?.aborted) pending = requestNext(tokens, scheduler);
      if (!model.isEogToken(next.value)) {
        const visible = stopper.push(decoder.push(next.value));
        for (const piece of splitter.push(visible)) yield toPart(piece);
        if (stopper.triggered) break;
      }
      if (signal?.aborted) {
        reason = 'abort';
        break;
      }
      if (lastAllowed) {
        reason = 'length';
        break;
      }
    }
  } finally {
    scheduler.leave();
    await pending?.catch(() => undefined);
    await tokens.return();
  }
  if (signal?.aborted) reason = 'abort';
  for (const piece of [...splitter.push(stopper.flush()), ...splitter.end()]) yield toPart(piece);
  yield {
    type: 'finish',
    reason,
    droppedMessages: prompt.droppedMessages,
    maxTokens: prompt.maxTokens,
    usage: {
      promptTokens: prompt.tokens.length,
      completionTokens,
      evaluatedPromptTokens: prompt.tokens.length - reused,
    },
  };
}

async function requestNext(
  tokens: AsyncGenerator<Token, void, void | Token | Token[]>,
  scheduler: BatchScheduler,
) {
  await scheduler.turn();
  return tokens.next();
}

function toPart(piece: { kind: 'text' | 'reasoning'; text: string }): StreamPart {
  return piece.kind === 'text'
    ? { type: 'text-delta', text: piece.text }
    : { type: 'reasoning-delta', text: piece.text };
}

/**
 * Renders the chat with the model's own template. When it does not fit, the oldest turns are dropped
 * (system messages and the newest user message are always kept); if even that is too long, 400.
 * The answer's token cap is max_tokens clamped to the server's limit and to the context left after
 * the prompt, so no request (ignore_eos with a huge max_tokens) holds a sequence beyond that.
 */
export function fitPrompt(job: PromptJob): FittedPrompt {
  const requestedMaxTokens = Math.min(
    job.request.options?.maxTokens ?? job.defaults.maxTokens,
    job.maxTokensLimit ?? Number.MAX_SAFE_INTEGER,
  );
  const contextSize = job.contextSize;
  const reserve = Math.min(requestedMaxTokens, Math.floor(contextSize / 4));
  const messages = [...job.request.messages];
  let dropped = 0;
  for (;;) {
    const rendered = render(job, messages);
    if (rendered.tokens.length + reserve <= contextSize) {
      const room = contextSize - rendered.tokens.length;
      return {
        ...rendered,
        droppedMessages: dropped,
        maxTokens: Math.max(1, Math.min(requestedMaxTokens, room)),
      };
    }
    const oldest = messages.findIndex(
      (message, index) => message.role !== 'system' && index < messages.length - 1,
    );
    if (oldest < 0) {
      throw new AppError(
        'CONTEXT_LENGTH_EXCEEDED',
        `The message is ${rendered.tokens.length} tokens; the model's context window holds ${contextSize} ` +
          `including ${reserve} reserved for the answer. Shorten the message.`,
        { details: { prompt_tokens: rendered.tokens.length, context_size: contextSize } },
      );
    }
    messages.splice(oldest, 1);
    dropped += 1;
  }
}

function render(job: PromptJob, messages: readonly ChatMessage[]) {
  const history: ChatHistoryItem[] = messages.map((message) =>
    message.role === 'system'
      ? { type: 'system', text: message.content }
      : message.role === 'user'
        ? { type: 'user', text: message.content }
        : { type: 'model', response: [message.content] },
  );
  history.push({ type: 'model', response: [] });
  const state = job.chatWrapper.generateContextState({ chatHistory: history });
  const textStops = state.stopGenerationTriggers
    .map((trigger) => LlamaText(trigger).values)
    .filter((values) => values.every((value) => typeof value === 'string'))
    .map((values) => values.join(''))
    .filter((stop) => stop.length > 0);
  const promptText = state.contextText.toString();
  return {
    tokens: state.contextText.tokenize(job.model.tokenizer),
    stops: [...textStops, ...(job.request.options?.stop ?? [])],
    startsInReasoning: /<think>\s*$/.test(promptText),
  };
}

/**
 * Keeps the longest prefix of the sequence's KV cache that matches the new prompt and returns its
 * length; at least the last prompt token is always re-evaluated so there are logits to sample from.
 */
async function reusePrefix(sequence: LlamaContextSequence, tokens: Token[]): Promise<number> {
  const common = Math.min(sequence.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
  if (common <= 0) {
    if (sequence.nextTokenIndex > 0) await sequence.clearHistory();
    return 0;
  }
  if (common < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: common, end: sequence.nextTokenIndex }]);
  }
  return common;
}
