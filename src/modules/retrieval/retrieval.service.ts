import { errors } from '../../shared/errors.js';
import { scopeOf, type Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import type { EmbeddingSource } from '../documents/ingestion.js';
import type { SearchFilters } from './access-scope.js';
import { matchExpressionOf, PRUNE_FROM_CHUNKS, queryTerms, withoutCommonTerms } from './search-query.js';
import type { RetrievalIndex } from './sqlite-retrieval-index.js';

/** How candidates are found. */
export type SearchMode = 'hybrid' | 'keyword' | 'vector';

/** One search request. */
export interface SearchRequest extends SearchFilters {
  readonly query: string;
  readonly topK?: number;
  /** Minimum cosine similarity for a vector candidate (keyword candidates are not affected). */
  readonly similarityThreshold?: number;
  readonly mode?: SearchMode;
}

/** One ranked chunk. */
export interface SearchResult {
  readonly chunk_id: string;
  readonly content: string;
  readonly document_id: string;
  readonly workspace_id: string;
  readonly filename: string;
  readonly title: string | null;
  readonly page: number | null;
  readonly page_end: number | null;
  readonly chunk_index: number;
  readonly span: { readonly start: number; readonly end: number };
  readonly metadata: { readonly heading: string | null; readonly section_type?: string };
  /** Fused score scaled to 0–1 (1: first in every list that ran). */
  readonly score: number;
  /** Cosine similarity when the chunk was a vector candidate, else null. */
  readonly similarity_score: number | null;
  readonly scores: { readonly bm25: number | null; readonly vector: number | null; readonly fused: number };
}

/** Reciprocal-rank-fusion constant (Cormack et al.: 60). */
const RRF_K = 60;
/** Most results a search returns. */
export const MAX_TOP_K = 20;

/**
 * Hybrid retrieval: BM25 over FTS5 and cosine similarity over sqlite-vec, fused by reciprocal
 * rank. Both candidate queries carry the caller's permission filter inside their SQL.
 */
export function createRetrievalService(dependencies: {
  index: RetrievalIndex;
  /** The permission table's checks (`rag.search`, first in search()). */
  policy: Pick<Policy, 'authorize'>;
  embeddings: EmbeddingSource;
  defaults: { topK: number; similarityThreshold: number };
}) {
  const { index, policy, embeddings, defaults } = dependencies;

  /** The FTS5 expression for a query; in a large index, without terms most chunks contain. */
  const keywordMatch = async (query: string) => {
    const terms = queryTerms(query);
    if (terms.length <= 2 || (await index.approximateChunkCount()) < PRUNE_FROM_CHUNKS)
      return matchExpressionOf(terms);
    const { shares } = await index.termShares(terms);
    return matchExpressionOf(withoutCommonTerms(terms, shares));
  };

  const search = async (principal: Principal, request: SearchRequest, signal?: AbortSignal) => {
    await policy.authorize(principal, 'rag.search');
    const topK = Math.min(request.topK ?? defaults.topK, MAX_TOP_K);
    const threshold = request.similarityThreshold ?? defaults.similarityThreshold;
    const model = embeddings.model;
    const mode = request.mode ?? 'hybrid';
    if (mode === 'vector' && !model)
      throw errors.validation('Vector search needs an embedding model (EMBEDDINGS_MODEL)', 'mode');
    const scope = scopeOf(principal);
    const filters = { workspaceIds: request.workspaceIds, documentIds: request.documentIds };
    const candidates = Math.max(topK * 4, 40);

    // The query embedding (a native call off the event loop) runs while SQLite does the keyword pass.
    const wantsVectors = model !== undefined && mode !== 'keyword' && request.query.trim() !== '';
    const embedding = wantsVectors ? model.embed([request.query], signal) : undefined;
    embedding?.catch(() => undefined); // awaited below; keeps an early keyword failure from leaving it unhandled
    const match = mode === 'vector' ? undefined : await keywordMatch(request.query);
    const keywordHits = match ? await index.keyword(scope, filters, match, candidates) : [];
    let vectorHits: { seq: number; similarity: number }[] = [];
    if (embedding) {
      const [queryVector] = await embedding;
      vectorHits = (await index.vector(scope, filters, queryVector!, candidates, candidates * 5)).filter(
        (hit) => hit.similarity >= threshold,
      );
    }
    const lists = [keywordHits, vectorHits].filter((list) => list.length > 0).length || 1;
    const fused = new Map<number, { fused: number; bm25: number | null; vector: number | null }>();
    const add = (seq: number, rank: number) => {
      const entry = fused.get(seq) ?? { fused: 0, bm25: null, vector: null };
      entry.fused += 1 / (RRF_K + rank + 1);
      fused.set(seq, entry);
      return entry;
    };
    keywordHits.forEach((hit, rank) => (add(hit.seq, rank).bm25 = hit.bm25));
    vectorHits.forEach((hit, rank) => (add(hit.seq, rank).vector = hit.similarity));
    const ranked = [...fused.entries()].sort((a, b) => b[1].fused - a[1].fused).slice(0, topK);
    const rows = new Map((await index.chunksBySeq(ranked.map(([seq]) => seq))).map((row) => [row.seq, row]));
    const best = lists / (RRF_K + 1);
    const results = ranked.flatMap(([seq, entry]): SearchResult[] => {
      const row = rows.get(seq);
      if (!row) return [];
      const meta = JSON.parse(row.metadata) as { section_type?: string };
      return [
        {
          chunk_id: row.id,
          content: row.content,
          document_id: row.document_id,
          workspace_id: row.workspace_id,
          filename: row.original_filename,
          title: row.title,
          page: row.page,
          page_end: row.page_end,
          chunk_index: row.chunk_index,
          span: { start: row.span_start, end: row.span_end },
          metadata: { heading: row.heading, section_type: meta.section_type },
          score: round(entry.fused / best),
          similarity_score: entry.vector === null ? null : round(entry.vector),
          scores: {
            bm25: entry.bm25 === null ? null : round(entry.bm25),
            vector: entry.vector === null ? null : round(entry.vector),
            fused: round(entry.fused),
          },
        },
      ];
    });
    return {
      query: request.query,
      results,
      count: results.length,
      top_k: topK,
      threshold,
      mode: model ? mode : ('keyword' as const),
    };
  };

  return { search };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The retrieval service's shape. */
export type RetrievalService = ReturnType<typeof createRetrievalService>;
