import type { Config } from './config/config.js';
import { createJobWorker, type JobWorker } from './modules/jobs/job-worker.js';
import { reconcileEmbeddingIndex } from './modules/retrieval/knowledge-status.js';
import { createEmbeddingModelFromConfig } from './providers/embeddings/create-embedding-model.js';
import type { Services } from './services.js';

/** The knowledge base's background parts: embedding model and ingestion worker. */
export interface KnowledgeRuntime {
  readonly worker: JobWorker;
  close(): Promise<void>;
}

/**
 * Loads the embedding model (a failure leaves keyword search working and is reported by
 * /rag/health), re-embeds when the model changed, re-queues documents a crash left unfinished,
 * and starts the ingestion worker when `background` is set.
 */
export async function startKnowledge(
  config: Config,
  services: Services,
  options: { background: boolean; log?: (message: string) => void },
): Promise<KnowledgeRuntime> {
  const { embeddings } = services;
  if (config.retrieval.embeddingsModel) {
    try {
      embeddings.model = await createEmbeddingModelFromConfig(config);
    } catch (error) {
      embeddings.error = `Embedding model ${config.retrieval.embeddingsModel} unavailable: ${
        error instanceof Error ? error.message : 'unknown error'
      } (keyword search still works)`;
      options.log?.(embeddings.error);
    }
  }
  await reconcileEmbeddingIndex({
    db: services.database.db,
    index: services.index,
    documents: services.repositories.documents,
    jobs: services.repositories.jobs,
    model: embeddings.model,
    clock: services.clock,
  });
  await services.documents.resumeUnfinished();
  const worker = createJobWorker({
    jobs: services.repositories.jobs,
    handlers: services.jobHandlers,
    leaseMs: config.documents.jobLeaseSeconds * 1000,
    pollMs: 1000,
    clock: services.clock,
    onError: (job, error) =>
      options.log?.(
        `job ${job.kind} ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
  });
  const wake = () => worker.wake();
  services.jobEvents.addEventListener('queued', wake);
  if (options.background) worker.start();
  return {
    worker,
    close: async () => {
      services.jobEvents.removeEventListener('queued', wake);
      await worker.stop();
      await embeddings.model?.dispose();
      embeddings.model = undefined;
    },
  };
}
