import { existsSync } from 'node:fs';
import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { AppError } from '../../shared/errors.js';
import { llamaRuntime } from '../llm/local/llama-runtime.js';
import type { EmbeddingModel } from './embedding-model.js';
import { l2Normalise } from './l2-normalise.js';

/** How to load a local GGUF embedding model. */
export interface LocalEmbeddingOptions {
  /** Path of the .gguf file. */
  readonly path: string;
  /** Name recorded in the index (catalog id or file base name). */
  readonly id: string;
  /**
   * CPU threads for evaluation. Unset or 0: one per core minus one (at least 1), leaving a core for the
   * chat model and the server. Never the library default, which is 4 even on 2 cores: oversubscribed
   * llama.cpp threads spin against each other and embedding slowed from ~700 to ~1 text/s in a test.
   */
  readonly threads?: number;
  /** Tokens per text at most; capped at the model's training context. Default 512. */
  readonly contextSize?: number;
  /**
   * Tokens llama.cpp evaluates in one pass; defaults to the context size so every text is one pass
   * (encoder models such as BERT need that). Texts longer than a pass are truncated to fit.
   */
  readonly batchSize?: number;
}

const DEFAULT_CONTEXT_SIZE = 512;

/**
 * Loads a GGUF model through the process-wide llama.cpp runtime and wraps an embedding context.
 * Throws AppError EMBEDDINGS_UNAVAILABLE (with the path) when the file is missing or cannot be loaded.
 */
export async function loadLocalEmbeddingModel(options: LocalEmbeddingOptions): Promise<EmbeddingModel> {
  const modelPath = options.path;
  if (!existsSync(modelPath)) {
    throw new AppError('EMBEDDINGS_UNAVAILABLE', `Embedding model file not found: ${modelPath}`);
  }
  const llama = await llamaRuntime();
  const model = await llama.loadModel({ modelPath }).catch((error: unknown) => {
    throw unavailable(`Could not load embedding model ${modelPath}: ${messageOf(error)}`, error);
  });
  const requested = options.contextSize ?? DEFAULT_CONTEXT_SIZE;
  const trained = model.trainContextSize > 0 ? model.trainContextSize : requested;
  const contextSize = Math.max(2, Math.min(trained, requested));
  const batchSize = options.batchSize ?? contextSize;
  const threads =
    options.threads && options.threads > 0 ? options.threads : Math.max(1, llama.cpuMathCores - 1);
  let context: LlamaEmbeddingContext;
  try {
    context = await model.createEmbeddingContext({ contextSize, batchSize, threads });
  } catch (error) {
    // The weights are already in memory: free them before reporting the failure.
    await model.dispose().catch(() => undefined);
    throw unavailable(`Could not create an embedding context for ${modelPath}: ${messageOf(error)}`, error);
  }
  // getEmbeddingFor rejects inputs of contextSize tokens or more (BOS/EOS included), and one pass
  // must hold the whole input.
  const maxInputTokens = Math.min(contextSize - 1, batchSize);
  return new LocalEmbeddingModel(options.id, model, context, maxInputTokens);
}

/** One loaded model with one embedding context; calls to embed() run one after another. */
class LocalEmbeddingModel implements EmbeddingModel {
  readonly provider = 'local' as const;
  readonly dimensions: number;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly id: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaEmbeddingContext,
    private readonly maxInputTokens: number,
  ) {
    this.dimensions = model.embeddingVectorSize;
  }

  /** Embeds texts in order; concurrent callers wait their turn so they never share the context. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (this.disposed) return Promise.reject(this.unloaded());
    const run = () => this.embedAll(texts, signal);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Tokens in `text` (no BOS/EOS). */
  countTokens(text: string): number {
    this.assertOpen();
    return this.model.tokenize(text).length;
  }

  /** Refuses new calls, lets those already made finish, then frees the context and the model. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.context.dispose();
    await this.model.dispose();
  }

  private async embedAll(texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      signal?.throwIfAborted();
      vectors.push(await this.embedOne(text));
    }
    return vectors;
  }

  private async embedOne(text: string): Promise<Float32Array> {
    const tokens = this.fit(this.model.tokenize(text));
    // Nothing to embed (empty text): a zero vector matches nothing rather than failing the batch.
    if (tokens.length === 0) return new Float32Array(this.dimensions);
    let vector: readonly number[];
    try {
      vector = (await this.context.getEmbeddingFor(tokens)).vector;
    } catch (error) {
      throw unavailable(`Embedding with ${this.id} failed: ${messageOf(error)}`, error, true);
    }
    if (vector.length !== this.dimensions) {
      throw unavailable(
        `Embedding model ${this.id} returned ${vector.length} values, expected ${this.dimensions}`,
        undefined,
        true,
      );
    }
    return l2Normalise(vector);
  }

  /** Cuts tokens from the end until the input (with the BOS/EOS the context adds) fits in one pass. */
  private fit(tokens: Token[]): Token[] {
    if (tokens.length === 0) return tokens;
    const added = this.context.calculateInputLength(tokens) - tokens.length;
    const room = Math.max(1, this.maxInputTokens - added);
    return tokens.length > room ? tokens.slice(0, room) : tokens;
  }

  private assertOpen(): void {
    if (this.disposed) throw this.unloaded();
  }

  private unloaded(): AppError {
    return new AppError('EMBEDDINGS_UNAVAILABLE', `Embedding model ${this.id} has been unloaded`, {
      retryable: true,
    });
  }
}

function unavailable(message: string, cause: unknown, retryable = false): AppError {
  return new AppError('EMBEDDINGS_UNAVAILABLE', message, { cause, retryable });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
