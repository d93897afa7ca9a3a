import type { GenerationOptions } from '../../providers/llm/language-model.js';
import type { RateLimitState } from '../../shared/errors.js';
import type { PresentedMessage } from './chat.presenter.js';
import type { RagMode } from './rag-context.js';

/** Events of one chat turn, in order: the stored user message, deltas, then the stored answer. */
export type ChatEvent =
  | { readonly type: 'user-message'; readonly conversationId: string; readonly message: PresentedMessage }
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  | {
      readonly type: 'rag-search';
      readonly query: string;
      readonly status: 'searching' | 'completed';
      readonly resultsCount?: number;
    }
  | {
      readonly type: 'done';
      readonly message: PresentedMessage;
      readonly droppedMessages: number;
      /** The completion-token cap that applied (max_tokens clamped to the context and server limit). */
      readonly maxTokens?: number;
    };

/** What a user sends in one turn. */
export interface TurnInput {
  readonly message: string;
  readonly options?: GenerationOptions;
  /** Knowledge-base use for this turn (default off). */
  readonly rag?: { readonly mode: RagMode; readonly workspaceIds?: readonly string[] };
  /** Told the user's request quota once the turn is admitted (HTTP sends it as RateLimit-* headers). */
  readonly onAdmitted?: (quota: RateLimitState) => void;
}
