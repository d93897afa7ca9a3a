import type { GenerationOptions } from '../../../providers/llm/language-model.js';
import type { ChatEvent } from '../../../modules/chat/chat.service.js';
import type { RagMode } from '../../../modules/chat/rag-context.js';
import type { SseEvent } from '../../sse.js';

/** Generation settings as the API names them. */
export interface GenerationSettingsBody {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  ignore_eos?: boolean;
}

/** Knowledge-base settings as the API names them. */
export interface KnowledgeSettingsBody {
  use_rag?: boolean;
  rag_mode?: RagMode;
  workspace_ids?: string[];
}

/** The turn's knowledge-base use: `rag_mode` wins, then `use_rag` (true: always, false: off), then the default. */
export function toRagInput(body: KnowledgeSettingsBody, defaultMode: RagMode) {
  const fromFlag = body.use_rag === undefined ? undefined : body.use_rag ? 'always' : 'off';
  const mode: RagMode = body.rag_mode ?? fromFlag ?? defaultMode;
  return { mode, workspaceIds: body.workspace_ids };
}

/** Maps API setting names to the provider's. */
export function toGenerationOptions(body: GenerationSettingsBody): GenerationOptions {
  return {
    temperature: body.temperature,
    topP: body.top_p,
    topK: body.top_k,
    maxTokens: body.max_tokens,
    stop: body.stop,
    seed: body.seed,
    ignoreEos: body.ignore_eos,
  };
}

/** The seed-002 SSE event names: user_message, chunk, reasoning, done. */
export async function* toSseEvents(events: AsyncIterable<ChatEvent>): AsyncGenerator<SseEvent> {
  for await (const event of events) {
    switch (event.type) {
      case 'user-message':
        yield { event: 'user_message', data: { ...event.message, conversation_id: event.conversationId } };
        break;
      case 'text-delta':
        yield { event: 'chunk', data: { content: event.text } };
        break;
      case 'reasoning-delta':
        yield { event: 'reasoning', data: { content: event.text } };
        break;
      case 'rag-search':
        yield {
          event: 'rag_search',
          data: {
            query: event.query,
            status: event.status,
            ...(event.resultsCount !== undefined && { results_count: event.resultsCount }),
          },
        };
        break;
      case 'done':
        yield {
          event: 'done',
          data: {
            ...event.message,
            dropped_messages: event.droppedMessages,
            ...(event.maxTokens !== undefined && { max_tokens: event.maxTokens }),
          },
        };
        break;
    }
  }
}

/** One-shot chat folds context into the user's message (seed 000's `context` field). */
export function withContext(message: string, context: string | undefined): string {
  return context?.trim() ? `${message}\n\nContext: ${context.trim()}` : message;
}
