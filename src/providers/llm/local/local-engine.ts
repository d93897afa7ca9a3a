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
  Generation,
  GenerationRequest,
  LanguageModel,
  ModelInfo,
  StreamPart,
} from '../language-model.js';
import { createBatchScheduler, type BatchScheduler } from './batch-scheduler.js';
import { generateWithTools } from './tool-generation.js';
import { fitPrompt, generateOnSequence } from './generation.js';
import { llamaRuntime } from './llama-runtime.js';
import { SlotPool, type Slot } from './slot-pool.js';

/** How to load and run the local model. */
export interface LocalEngineOptions {
  /** Per-conversation context window, in tokens. */
  readonly contextSize: number;
  /** Conversations decoded together in one batch. */
  readonly parallelSequences: number;
  /** Requests allowed to wait for a free sequence. */
  readonly queueLimit: number;
  /** CPU threads (0 = one per core). */
  readonly threads: number;
  /** Map the file instead of reading it into memory. */
  readonly useMmap: boolean;
  /** Defaults applied when a request leaves them out. */
  readonly defaults: { readonly temperature: number; readonly topP: number; readonly maxTokens: number };
  /** Most tokens one answer may generate, whatever the request asks (default: only the context bounds it). */
  readonly maxTokensLimit?: number;
  /** A chat template to use instead of the one detected from the model (custom templates, tests). */
  readonly chatWrapper?: (model: LlamaModel) => ChatWrapper;
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

  /** Counts tokens with the loaded model's tokenizer. */
  async countTokens(text: string): Promise<number> {
    return this.require().model.tokenize(text).length;
  }

  /**
   * Checks that the prompt fits (400 CONTEXT_LENGTH_EXCEEDED) and takes a sequence, waiting in the
   * bounded queue (503 MODEL_BUSY when it is full; users served in turn by `fairnessKey`), before any
   * output: callers can still answer with a proper status. The returned generation holds the sequence
   * until its stream ends or release().
   */
  async begin(request: GenerationRequest, signal?: AbortSignal): Promise<Generation> {
    const loaded = this.require();
    const job = {
      model: loaded.model,
      chatWrapper: loaded.chatWrapper,
      contextSize: loaded.info.contextSize,
      request,
      defaults: this.options.defaults,
      maxTokensLimit: this.options.maxTokensLimit,
    };
    const prompt = fitPrompt(job);
    loaded.inFlight += 1;
    let slot: Slot<LlamaContextSequence>;
    try {
      slot = await loaded.pool.acquire(request.cacheKey, signal, request.fairnessKey);
    } catch (error) {
      this.finished(loaded);
      throw error;
    }
    slot.cacheKey = request.cacheKey;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      loaded.pool.release(slot);
      this.finished(loaded);
    };
    const stream = async function* (): AsyncGenerator<StreamPart> {
      try {
        const running = { ...job, sequence: slot.resource, scheduler: loaded.scheduler, signal };
        yield* request.tools && request.tools.length > 0
          ? generateWithTools(running, prompt)
          : generateOnSequence(running, prompt);
      } catch (error) {
        loaded.pool.forget(slot);
        throw error;
      } finally {
        release();
      }
    };
    return { stream, release };
  }

  /** Streams one answer: begin() and then its stream. */
  async *stream(request: GenerationRequest, signal?: AbortSignal): AsyncIterable<StreamPart> {
    const generation = await this.begin(request, signal);
    yield* generation.stream();
  }

  private finished(loaded: LoadedModel): void {
    loaded.inFlight -= 1;
    if (loaded.retired && loaded.inFlight === 0) void disposeLoaded(loaded).catch(() => undefined);
  }

  private require(): LoadedModel {
    if (!this.current) {
      throw new AppError(
        'MODEL_NOT_LOADED',
        'No model is loaded. An administrator can install one with `npx privatestack models pull <id>` ' +
          '(see `npx privatestack models catalog`), POST /api/v1/models/pull, or offline with ' +
          '`npx privatestack models add <file.gguf>`; or set MODEL_PATH',
        {
          retryable: true,
        },
      );
    }
    return this.current;
  }

  private retire(loaded: LoadedModel): void {
    loaded.retired = true;
    if (loaded.inFlight === 0) void disposeLoaded(loaded).catch(() => undefined);
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
    const context = await model
      .createContext({
        sequences: this.options.parallelSequences,
        contextSize: this.options.contextSize,
        // 0 means one per core. node-llama-cpp's own default is twice that (llama.maxThreads), and
        // spinning threads that outnumber the cores slow decoding down badly on small servers.
        threads: this.options.threads > 0 ? this.options.threads : llama.cpuMathCores,
        batching: { dispatchSchedule: scheduler.dispatchSchedule },
      })
      .catch(async (error: unknown) => {
        // The model is loaded (often a gigabyte): free it before reporting the failure.
        await model.dispose();
        throw new AppError(
          'MODEL_ERROR',
          `Could not create a context for ${modelPath}: ${(error as Error).message}`,
          {
            status: 400,
            cause: error,
          },
        );
      });
    const sequences = Array.from({ length: this.options.parallelSequences }, () => context.getSequence());
    const metadata = model.fileInfo.metadata as {
      general?: { architecture?: string };
      tokenizer?: { chat_template?: string };
    };
    return {
      model,
      context,
      chatWrapper: this.options.chatWrapper?.(model) ?? resolveChatWrapper(model),
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
