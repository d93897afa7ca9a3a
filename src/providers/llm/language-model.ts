/**
 * The provider contract: types only. Local llama.cpp and remote OpenAI-compatible servers implement it;
 * domain code sees nothing else of them.
 */

/** One message of a chat, in the order the model should read it. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Sampling and stopping settings, named as llama.cpp server and vLLM accept them. */
export interface GenerationOptions {
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
  /** Keep generating past end-of-generation tokens until maxTokens (benchmarks need it). */
  readonly ignoreEos?: boolean;
}

/**
 * A function the model may call while answering (OpenAI "tools"; node-llama-cpp function calling
 * locally). The provider calls `execute` and feeds the result back to the model.
 */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON schema of the arguments (object); arguments are grammar-constrained locally. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Runs the call; the returned value (text or JSON) is what the model reads. */
  execute(args: unknown, signal?: AbortSignal): Promise<unknown>;
}

/** A generation request. */
export interface GenerationRequest {
  readonly messages: readonly ChatMessage[];
  /** Functions the model may call before answering. */
  readonly tools?: readonly ToolDefinition[];
  readonly options?: GenerationOptions;
  /** Conversation identity: lets the engine reuse the KV cache of this conversation's previous turn. */
  readonly cacheKey?: string;
  /** Whose request this is (a user id): waiting requests are served in turn between keys, not FIFO. */
  readonly fairnessKey?: string;
}

/** Token counts of one generation. */
export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Prompt tokens actually evaluated (the rest came from the reused prefix). */
  readonly evaluatedPromptTokens: number;
}

/** Why a generation ended. */
export type FinishReason = 'stop' | 'length' | 'abort';

/** A stream is a discriminated union of parts; the last part is always `finish`. */
export type StreamPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  /** The model called a tool (emitted before it runs). */
  | { readonly type: 'tool-call'; readonly name: string; readonly arguments: unknown }
  /** A tool finished; its result went back to the model. */
  | { readonly type: 'tool-result'; readonly name: string; readonly result: unknown }
  | {
      readonly type: 'finish';
      readonly reason: FinishReason;
      readonly usage: Usage;
      /** Messages dropped from the start of the history to fit the context window. */
      readonly droppedMessages: number;
      /** The completion-token cap that applied: max_tokens clamped to the context left and the server's limit. */
      readonly maxTokens?: number;
    };

/** What a loaded model is. */
export interface ModelInfo {
  readonly id: string;
  readonly filePath?: string;
  readonly architecture?: string;
  readonly contextSize: number;
  readonly parallelSequences: number;
  readonly sizeBytes?: number;
  readonly chatTemplate?: string;
}

/** Engine load and queue figures for health and admin views. */
export interface EngineStatus {
  readonly loaded: boolean;
  readonly model?: ModelInfo;
  readonly activeSequences: number;
  readonly queuedRequests: number;
}

/** A started generation: capacity is held until its stream ends or it is released. */
export interface Generation {
  /** The answer's parts, ending with `finish`; ending or breaking the iteration releases capacity. */
  stream(): AsyncIterable<StreamPart>;
  /** Gives capacity back without streaming (when the caller fails before consuming). Idempotent. */
  release(): void;
}

/** A chat model. Aborting the signal stops generation; the stream then ends with finish reason `abort`. */
export interface LanguageModel {
  /**
   * Validates the request and reserves capacity before any output, so the caller can still answer
   * 400 CONTEXT_LENGTH_EXCEEDED, 503 MODEL_BUSY (Retry-After) or 503 MODEL_NOT_LOADED. maxTokens is
   * clamped to what the context holds after the prompt and to the provider's own limit.
   */
  begin(request: GenerationRequest, signal?: AbortSignal): Promise<Generation>;
  /** begin() and stream in one call. */
  stream(request: GenerationRequest, signal?: AbortSignal): AsyncIterable<StreamPart>;
  /** Counts tokens of a text with the model's tokenizer. */
  countTokens(text: string): Promise<number>;
  /** Current model and queue state. */
  status(): EngineStatus;
}
