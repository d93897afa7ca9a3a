import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import type { EmbeddingModel } from '../../providers/embeddings/embedding-model.js';
import { scopeOf, type Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import type { DocumentRepository } from '../documents/document.repository.js';
import { EMBED_JOB } from '../documents/documents.service.js';
import type { EmbeddingSource } from '../documents/ingestion.js';
import type { JobRepository } from '../jobs/job.repository.js';
import type { AccessScope } from './access-scope.js';
import type { RetrievalIndex } from './sqlite-retrieval-index.js';

const INDEX_SETTING = 'retrieval.embedding_index';

/** The embedding model the stored vectors came from. */
export interface EmbeddingIndexRecord {
  readonly model: string;
  readonly dimensions: number;
}

/**
 * Keeps the vector index consistent with the configured embedding model. The index records the model
 * and dimension of its vectors; when they differ from the loaded model, every vector is dropped (they
 * are not comparable) and each processed document is queued for re-embedding. Keyword search keeps
 * working meanwhile. Documents indexed while no model was loaded are queued too.
 */
export async function reconcileEmbeddingIndex(dependencies: {
  db: Kysely<Database>;
  index: RetrievalIndex;
  documents: DocumentRepository;
  jobs: JobRepository;
  model: EmbeddingModel | undefined;
  clock: () => Date;
}): Promise<{ reembedding: number; modelChanged: boolean }> {
  const { db, index, documents, jobs, model, clock } = dependencies;
  if (!model) return { reembedding: 0, modelChanged: false };
  const recorded = await readIndexRecord(db);
  const modelChanged = recorded?.model !== model.id || recorded.dimensions !== model.dimensions;
  if (modelChanged) {
    await index.clearAllVectors();
    await db.updateTable('documents').set({ embedding_model: null }).execute();
    const value = JSON.stringify({ model: model.id, dimensions: model.dimensions });
    const now = clock().toISOString();
    await db
      .insertInto('settings')
      .values({ key: INDEX_SETTING, value, updated_at: now })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
  const ids = await documents.idsNeedingEmbedding(model.id);
  for (const id of ids) {
    const key = `${EMBED_JOB}:${id}`;
    await jobs.forgetFinished(key);
    await jobs.enqueue({ kind: EMBED_JOB, payload: { documentId: id }, dedupeKey: key }, clock());
  }
  return { reembedding: ids.length, modelChanged };
}

/** The model and dimension the stored vectors came from, if any. */
export async function readIndexRecord(db: Kysely<Database>): Promise<EmbeddingIndexRecord | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', INDEX_SETTING)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as EmbeddingIndexRecord) : undefined;
}

/** What /rag/health and /rag/config report; each method checks the permission table first. */
export function createKnowledgeStatus(dependencies: {
  db: Kysely<Database>;
  policy: Pick<Policy, 'authorize'>;
  index: RetrievalIndex;
  documents: DocumentRepository;
  embeddings: EmbeddingSource & { readonly configured?: string; readonly error?: string };
  defaults: {
    topK: number;
    similarityThreshold: number;
    maxTopK: number;
    chunkSize: number;
    chunkOverlap: number;
  };
}) {
  const { db, policy, index, documents, embeddings, defaults } = dependencies;

  // Counts are of what the caller may read (an admin: everything), never organisation-wide.
  const snapshot = async (scope: AccessScope) => {
    const counts = await documents.countsByStatus(scope);
    const totals = await index.totals(scope);
    const { rows } = await sql<{ version: string }>`SELECT vec_version() AS version`.execute(db);
    const model = embeddings.model;
    return { counts, totals, vecVersion: rows[0]?.version, model, record: await readIndexRecord(db) };
  };

  return {
    /** Health: is retrieval usable, and what is missing; counts of the caller's readable documents. */
    health: async (principal: Principal) => {
      await policy.authorize(principal, 'rag.health.read');
      const { counts, totals, vecVersion, model } = await snapshot(scopeOf(principal));
      const errors: string[] = [];
      if (embeddings.error) errors.push(embeddings.error);
      else if (!model)
        errors.push(
          'No embedding model configured (EMBEDDINGS_MODEL): keyword search only, no vector search',
        );
      const documentsTotal = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return {
        status: model ? ('healthy' as const) : ('degraded' as const),
        embeddings: {
          available: model !== undefined,
          model: model ? `${model.id} (${model.dimensions} dimensions)` : null,
        },
        keyword: { available: true, engine: 'SQLite FTS5 (bm25)' },
        vector_store: {
          available: vecVersion !== undefined,
          engine: `sqlite-vec ${vecVersion ?? 'unavailable'}`,
          total_vectors: totals.vectors,
        },
        pgvector: {
          available: false,
          total_chunks: totals.chunks,
          total_documents: documentsTotal,
          processed_documents: counts.PROCESSED ?? 0,
        },
        errors,
      };
    },
    /** Configuration: models, index, search defaults; counts of the caller's readable documents. */
    config: async (principal: Principal) => {
      await policy.authorize(principal, 'rag.config.read');
      const { counts, totals, vecVersion, model, record } = await snapshot(scopeOf(principal));
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return {
        embeddings: {
          provider: model ? model.provider : null,
          model: model?.id ?? embeddings.configured ?? null,
          dimensions: model?.dimensions ?? null,
          available: model !== undefined,
        },
        vector_database: {
          system: `SQLite with sqlite-vec ${vecVersion ?? ''}`.trim(),
          similarity_metric: 'Cosine similarity (1 - distance), sign-bit prefilter then exact rescoring',
          available: vecVersion !== undefined,
          indexed_model: record?.model ?? null,
          indexed_dimensions: record?.dimensions ?? null,
        },
        keyword_search: {
          system: 'SQLite FTS5',
          ranking: 'bm25 (title weighted)',
          fusion: 'reciprocal rank (k=60)',
        },
        documents: {
          total,
          processed: counts.PROCESSED ?? 0,
          pending: (counts.UPLOADED ?? 0) + (counts.PROCESSING ?? 0),
          failed: counts.FAILED ?? 0,
          total_chunks: totals.chunks,
          total_vectors: totals.vectors,
        },
        chunking: { chunk_size_tokens: defaults.chunkSize, chunk_overlap_tokens: defaults.chunkOverlap },
        search_settings: {
          default_top_k: defaults.topK,
          min_similarity_threshold: defaults.similarityThreshold,
          max_results: defaults.maxTopK,
        },
      };
    },
  };
}
