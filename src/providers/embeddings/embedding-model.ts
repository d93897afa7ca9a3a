/**
 * Turns text into vectors for the knowledge base. Local (a GGUF through node-llama-cpp) and remote
 * (an OpenAI-compatible /v1/embeddings server) implement the same interface.
 */

/** Where an embedding model runs. */
export type EmbeddingProviderKind = 'local' | 'remote';

/** A loaded embedding model. */
export interface EmbeddingModel {
  /** Stable name recorded in the index (catalog id, file name, or remote model name). */
  readonly id: string;
  readonly provider: EmbeddingProviderKind;
  /** Vector length; known after load (local) or after the first call (remote: probed at creation). */
  readonly dimensions: number;
  /**
   * Embeds texts in order, batching internally. Vectors are L2-normalised Float32Arrays of
   * `dimensions` length. Texts longer than the model's context are truncated, not rejected.
   * Throws AppError (EMBEDDINGS_UNAVAILABLE, retryable) when the backend fails.
   */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /**
   * Tokens in `text` by the model's own tokenizer (no BOS/EOS added). Present on local models only,
   * so the chunker can measure chunks in real tokens; remote models leave it out.
   */
  countTokens?(text: string): number;
  /** Frees native memory / connections. */
  dispose(): Promise<void>;
}
