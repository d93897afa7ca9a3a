import { statSync } from 'node:fs';
import path from 'node:path';
import {
  resolveChatWrapper,
  type ChatWrapper,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';
import { AppError } from '../../../shared/errors.js';
import type {
  EngineStatus,
  GenerationRequest,
  LanguageModel,
  ModelInfo,
  StreamPart,
} from '../language-model.js';
import { createBatchScheduler, type BatchScheduler } from './batch-scheduler.js';
import { generateOnSequence } from './generation.js';
import { llamaRuntime } from './llama-runtime.js';
import { SlotPool } from './slot-pool.js';

/** How to load and run the local model. */
export interface LocalEngineOptions {
  /** Per-conversation context window, in tokens. */
  readonly contextSize: number;
  /** Conversations decoded together in one batch. */
  readonly parallelSequences: number;
  /** Requests allowed to wait for a free sequence. */
  readonly queueLimit: number;
  /** CPU threads (0 = library default: one per core). */
  readonly threads: number;
  /** Map the file instead of reading it into memory. */
  readonly useMmap: boolean;
  /** Defaults applied when a request leaves them out. */
  readonly defaults: { readonly temperature: number; readonly topP: number; readonly maxTokens: number };
}

/** One loaded model with its context, sequences and chat template. */
interface LoadedModel {
  readonly info: ModelInfo;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly chatWrapper: ChatWrapper;
  readonly pool: SlotPool<LlamaContextSequence>;
  readonly scheduler: BatchScheduler;
  inFlight: number;
  retired: boolean;
}

/**
 * The in-process llama.cpp engine: one model, one context, N parallel sequences decoded in the same
 * batch, a bounded wait queue, KV-cache prefix reuse per conversation, and hot model switching.
 */
export class LocalEngine implements LanguageModel {
  private current: LoadedModel | undefined;

  constructor(private readonly options: LocalEngineOptions) {}

  /** Loads a GGUF file and makes it the active model; the previous one is freed once its requests finish. */
  async load(modelPath: string, id = path.basename(modelPath, '.gguf')): Promise<ModelInfo> {
    const next = await this.open(modelPath, id);
    const previous = this.current;
    this.current = next;
    if (previous) this.retire(previous);
    return next.info;
  }

  /** Frees the model and its context. */
  async dispose(): Promise<void> {
    const previous = this.current;
    this.current = undefined;
    if (previous) await disposeLoaded(previous);
  }

  /** Current model and queue figures. */
  status(): EngineStatus {
    const loaded = this.current;
    return {
      loaded: loaded !== undefined,
      model: loaded?.info,
      activeSequences: loaded?.pool.active ?? 0,
      queuedRequests: loaded?.pool.queued ?? 0,
    };
  }

  /** Fails fast when no model is loaded or the wait queue is already full. */
  admit(): void {
    this.require().pool.checkCapacity();
  }

  /** Counts tokens with the loaded model's tokenizer. */
  async countTokens(text: string): Promise<number> {
    return this.require().model.tokenize(text).length;
  }

  /** Streams one answer on a free sequence (waiting in the bounded queue if none is free). */
  async *stream(request: GenerationRequest, signal?: AbortSignal): AsyncIterable<StreamPart> {
    const loaded = this.require();
    loaded.inFlight += 1;
    try {
      const slot = await loaded.pool.acquire(request.cacheKey, signal);
      try {
        slot.cacheKey = request.cacheKey;
        yield* generateOnSequence({
          model: loaded.model,
          sequence: slot.resource,
          chatWrapper: loaded.chatWrapper,
          scheduler: loaded.scheduler,
          request,
          defaults: this.options.defaults,
          signal,
        });
      } catch (error) {
        loaded.pool.forget(slot);
        throw error;
      } finally {
        loaded.pool.release(slot);
      }
    } finally {
      loaded.inFlight -= 1;
      if (loaded.retired && loaded.inFlight === 0) void disposeLoaded(loaded);
    }
  }

  private require(): LoadedModel {
    if (!this.current) {
      throw new AppError(
        'MODEL_NOT_LOADED',
        'No model is loaded; set MODEL_PATH or pull and activate a model',
        {
          retryable: true,
        },
      );
    }
    return this.current;
  }

  private retire(loaded: LoadedModel): void {
    loaded.retired = true;
    if (loaded.inFlight === 0) void disposeLoaded(loaded);
  }

  private async open(modelPath: string, id: string): Promise<LoadedModel> {
    const llama = await llamaRuntime();
    const model = await llama
      .loadModel({ modelPath, useMmap: this.options.useMmap })
      .catch((error: unknown) => {
        throw new AppError('MODEL_ERROR', `Could not load model ${modelPath}: ${(error as Error).message}`, {
          status: 400,
          cause: error,
        });
      });
    const scheduler = createBatchScheduler();
    const context = await model.createContext({
      sequences: this.options.parallelSequences,
      contextSize: this.options.contextSize,
      ...(this.options.threads > 0 && { threads: this.options.threads }),
      batching: { dispatchSchedule: scheduler.dispatchSchedule },
    });
    const sequences = Array.from({ length: this.options.parallelSequences }, () => context.getSequence());
    const metadata = model.fileInfo.metadata as {
      general?: { architecture?: string };
      tokenizer?: { chat_template?: string };
    };
    return {
      model,
      context,
      chatWrapper: resolveChatWrapper(model),
      scheduler,
      pool: new SlotPool(sequences, this.options.queueLimit),
      inFlight: 0,
      retired: false,
      info: {
        id,
        filePath: modelPath,
        architecture: metadata.general?.architecture,
        contextSize: context.contextSize,
        parallelSequences: this.options.parallelSequences,
        sizeBytes: statSync(modelPath).size,
        chatTemplate: metadata.tokenizer?.chat_template,
      },
    };
  }
}

async function disposeLoaded(loaded: LoadedModel): Promise<void> {
  await loaded.context.dispose();
  await loaded.model.dispose();
}
