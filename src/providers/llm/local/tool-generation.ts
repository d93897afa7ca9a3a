import {
  LlamaChat,
  type ChatHistoryItem,
  type ChatModelFunctions,
  type GbnfJsonSchema,
} from 'node-llama-cpp';
import type { ChatMessage, FinishReason, StreamPart, ToolDefinition } from '../language-model.js';
import { ReasoningSplitter } from '../reasoning-splitter.js';
import type { FittedPrompt, GenerationJob } from './generation.js';

/** Rounds of tool calls allowed before the model must answer in text. */
const MAX_TOOL_ROUNDS = 3;

/**
 * Generates with function calling: node-llama-cpp's LlamaChat renders the tools in the model's own
 * function-calling syntax, and once the model starts a call its name and arguments are
 * grammar-constrained to the tool's JSON schema. Each call runs, its result is appended to the
 * model's turn, and generation continues — until the model answers in text.
 */
export async function* generateWithTools(
  job: GenerationJob,
  prompt: FittedPrompt,
): AsyncGenerator<StreamPart> {
  const { sequence, request, defaults, signal } = job;
  const tools = request.tools ?? [];
  const options = request.options ?? {};
  const functions: ChatModelFunctions = Object.fromEntries(
    tools.map((tool) => [
      tool.name,
      { description: tool.description, params: tool.parameters as GbnfJsonSchema },
    ]),
  );
  const chat = new LlamaChat({
    contextSequence: sequence,
    chatWrapper: job.chatWrapper,
    autoDisposeSequence: false,
  });
  const meter = { input: sequence.tokenMeter.usedInputTokens, output: sequence.tokenMeter.usedOutputTokens };
  const splitter = new ReasoningSplitter(prompt.startsInReasoning);
  let history: ChatHistoryItem[] = [...toHistory(request.messages), { type: 'model', response: [] }];
  let reason: FinishReason;
  try {
    for (let round = 0; ; round += 1) {
      const used = sequence.tokenMeter.usedOutputTokens - meter.output;
      const remaining = prompt.maxTokens - used;
      if (remaining <= 0) {
        reason = 'length';
        break;
      }
      const chunks = new ChunkQueue();
      const running = chat
        .generateResponse(history, {
          ...(round < MAX_TOOL_ROUNDS && {
            functions,
            documentFunctionParams: true,
            maxParallelFunctionCalls: 1,
          }),
          onTextChunk: (text) => chunks.push(text),
          signal,
          stopOnAbortSignal: true,
          maxTokens: remaining,
          temperature: options.temperature ?? defaults.temperature,
          topP: options.topP ?? defaults.topP,
          ...(options.topK !== undefined && { topK: options.topK }),
          ...(options.seed !== undefined && { seed: options.seed }),
          ...(options.stop && options.stop.length > 0 && { customStopTriggers: [...options.stop] }),
        })
        .finally(() => chunks.end());
      for await (const text of chunks) for (const piece of splitter.push(text)) yield toPart(piece);
      const result = await running;
      history = result.lastEvaluation.cleanHistory;
      const calls = result.functionCalls ?? [];
      if (calls.length === 0 || signal?.aborted) {
        reason = finishReason(result.metadata.stopReason, signal);
        break;
      }
      for (const call of calls) {
        const tool = tools.find((candidate) => candidate.name === call.functionName);
        if (!tool) continue;
        yield { type: 'tool-call', name: tool.name, arguments: call.params };
        const output = await tool.execute(call.params, signal);
        yield { type: 'tool-result', name: tool.name, result: output };
        history = withFunctionCall(history, tool, call.params, output, call.raw);
      }
    }
  } finally {
    chat.dispose({ disposeSequence: false });
  }
  for (const piece of splitter.end()) yield toPart(piece);
  yield {
    type: 'finish',
    reason: signal?.aborted ? 'abort' : reason,
    droppedMessages: prompt.droppedMessages,
    maxTokens: prompt.maxTokens,
    usage: {
      promptTokens: prompt.tokens.length,
      completionTokens: sequence.tokenMeter.usedOutputTokens - meter.output,
      evaluatedPromptTokens: sequence.tokenMeter.usedInputTokens - meter.input,
    },
  };
}

/** Our messages as node-llama-cpp chat history. */
function toHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  return messages.map((message) =>
    message.role === 'system'
      ? { type: 'system', text: message.content }
      : message.role === 'user'
        ? { type: 'user', text: message.content }
        : { type: 'model', response: [message.content] },
  );
}

/** Appends a finished call, with its result, to the model's current turn (as LlamaChatSession does). */
function withFunctionCall(
  history: ChatHistoryItem[],
  tool: ToolDefinition,
  params: unknown,
  result: unknown,
  rawCall: unknown,
): ChatHistoryItem[] {
  const copy = history.slice();
  const last = copy.at(-1);
  const turn =
    last?.type === 'model'
      ? { ...last, response: last.response.slice() }
      : { type: 'model' as const, response: [] };
  if (last?.type === 'model') copy[copy.length - 1] = turn;
  else copy.push(turn);
  turn.response.push({
    type: 'functionCall',
    name: tool.name,
    description: tool.description,
    params,
    result,
    rawCall: rawCall as never,
  });
  return copy;
}

function finishReason(stop: string, signal?: AbortSignal): FinishReason {
  if (signal?.aborted || stop === 'abort') return 'abort';
  return stop === 'maxTokens' ? 'length' : 'stop';
}

function toPart(piece: { kind: 'text' | 'reasoning'; text: string }): StreamPart {
  return piece.kind === 'text'
    ? { type: 'text-delta', text: piece.text }
    : { type: 'reasoning-delta', text: piece.text };
}

/** Text chunks from a callback, read as an async iterable. */
class ChunkQueue implements AsyncIterable<string> {
  private readonly items: string[] = [];
  private done = false;
  private wake: (() => void) | undefined;

  push(text: string): void {
    this.items.push(text);
    this.wake?.();
  }

  end(): void {
    this.done = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift()!;
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
