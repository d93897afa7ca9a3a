/**
 * Retrieval quality on BEIR SciFact (train split, 809 queries), through the product's own chunker,
 * index and search service: nDCG@10 and recall@10 for keyword, vector and hybrid search, against a
 * plain-FTS5 baseline measured in the same run (porter unicode61 over title and text of whole
 * abstracts, stop words dropped, terms OR-ed, top 10).
 *   npm run eval:retrieval [-- --embeddings PATH.gguf|catalog-id] [--limit N]
 * Writes bench/results/retrieval.json and bench/results/retrieval.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { openSqliteDatabase } from '../src/db/database.js';
import { createAccessRepository } from '../src/modules/access/access.repository.js';
import { createPolicy } from '../src/modules/access/policy.js';
import type { Principal } from '../src/modules/auth/auth.service.js';
import { queryTerms } from '../src/modules/retrieval/search-query.js';
import { createRetrievalService, type SearchMode } from '../src/modules/retrieval/retrieval.service.js';
import { createSqliteRetrievalIndex } from '../src/modules/retrieval/sqlite-retrieval-index.js';
import { createEmbeddingModelFromConfig } from '../src/providers/embeddings/create-embedding-model.js';
import type { EmbeddingModel } from '../src/providers/embeddings/embedding-model.js';
import { indexSciFact } from './retrieval/scifact-index.js';
import { loadSciFact, ndcgAt, recallAt } from './retrieval/scifact.js';

const { values } = parseArgs({
  options: {
    embeddings: { type: 'string' },
    limit: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
});

const data = loadSciFact();
const queries = values.limit ? data.queries.slice(0, Number(values.limit)) : data.queries;
const dir = mkdtempSync(path.join(tmpdir(), 'privatestack-eval-'));
const database = await openSqliteDatabase(path.join(dir, 'eval.db'));
const db = database.db;
const index = createSqliteRetrievalIndex(db);
const config = loadConfig({
  DATA_DIR: dir,
  ...(values.embeddings && { EMBEDDINGS_MODEL: values.embeddings }),
});
let model: EmbeddingModel | undefined;
if (values.embeddings) model = await createEmbeddingModelFromConfig(config);

// One workspace, one admin-scope reader: permissions are exercised by the tests, quality here.
const principal = { user: { id: 'eval', role: 'admin' } } as unknown as Principal;
const indexed = await indexSciFact(db, index, data.corpus, {
  chunking: { chunkSize: config.retrieval.chunkSize, overlap: config.retrieval.chunkOverlap },
  model,
});
const documentIdOf = indexed.corpusIdOf;
const chunkCount = indexed.chunks;
const ingestSeconds = indexed.indexSeconds;
const embedMs = indexed.embedSeconds * 1000;

const embeddings = { model };
const retrieval = createRetrievalService({
  index,
  policy: createPolicy({ access: createAccessRepository(db) }),
  embeddings,
  defaults: { topK: 20, similarityThreshold: 0 },
});

/** Documents (corpus ids) ranked for a query: chunks fused, then the first hit of each document. */
async function rankDocuments(query: string, mode: SearchMode): Promise<string[]> {
  const { results } = await retrieval.search(principal, { query, topK: 20, mode });
  const seen: string[] = [];
  for (const result of results) {
    const corpusId = documentIdOf.get(result.document_id)!;
    if (!seen.includes(corpusId)) seen.push(corpusId);
  }
  return seen;
}

// The baseline from ../shared/data/README.md: plain FTS5 over whole abstracts, in the same run.
await sql`CREATE VIRTUAL TABLE baseline USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61')`.execute(
  db,
);
for (const document of data.corpus) {
  await sql`INSERT INTO baseline(id, title, text) VALUES (${document.id}, ${document.title}, ${document.text})`.execute(
    db,
  );
}
async function baselineRank(query: string): Promise<string[]> {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const match = terms.map((term) => `"${term}"`).join(' OR ');
  const { rows } = await sql<{ id: string }>`SELECT id FROM baseline WHERE baseline MATCH ${match}
    ORDER BY bm25(baseline) LIMIT 10`.execute(db);
  return rows.map((row) => row.id);
}

interface Score {
  ndcg10: number;
  recall10: number;
  p50ms: number;
  p95ms: number;
}
async function evaluate(rank: (query: string) => Promise<string[]>): Promise<Score> {
  let ndcg = 0;
  let recall = 0;
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const ranked = await rank(query.text);
    times.push(performance.now() - started);
    const relevant = data.qrels.get(query.id)!;
    ndcg += ndcgAt(ranked, relevant);
    recall += recallAt(ranked, relevant);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return {
    ndcg10: ndcg / queries.length,
    recall10: recall / queries.length,
    p50ms: at(0.5),
    p95ms: at(0.95),
  };
}

const results: Record<string, Score | null> = {
  baseline_fts5: await evaluate(baselineRank),
  keyword: await evaluate((query) => rankDocuments(query, 'keyword')),
  vector: model ? await evaluate((query) => rankDocuments(query, 'vector')) : null,
  hybrid: model ? await evaluate((query) => rankDocuments(query, 'hybrid')) : null,
};
await model?.dispose();
await database.close();
rmSync(dir, { recursive: true, force: true });

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
const report = {
  date: new Date().toISOString(),
  commit,
  cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
  queries: queries.length,
  documents: data.corpus.length,
  chunks: chunkCount,
  chunk_size: config.retrieval.chunkSize,
  embeddings: model ? `${model.id} (${model.dimensions} dimensions)` : null,
  keyword_ingest_chunks_per_s: Math.round(chunkCount / ingestSeconds),
  embedding_chunks_per_s: model ? Math.round(chunkCount / (embedMs / 1000)) : null,
  results,
  keyword_vs_baseline: results.keyword!.ndcg10 / results.baseline_fts5!.ndcg10,
};
mkdirSync(values.out, { recursive: true });
writeFileSync(path.join(values.out, 'retrieval.json'), `${JSON.stringify(report, null, 2)}\n`);
const row = (name: string, score: Score | null) =>
  score
    ? `| ${name} | ${score.ndcg10.toFixed(4)} | ${score.recall10.toFixed(4)} | ${score.p50ms.toFixed(1)} | ${score.p95ms.toFixed(1)} |`
    : `| ${name} | not measured (no embedding model) | | | |`;
const markdown = [
  `# Retrieval quality — SciFact train split (${report.queries} queries, ${report.documents} abstracts, ${report.chunks} chunks)`,
  '',
  `Commit ${commit}, ${report.date}, ${report.cpu}. Embeddings: ${report.embeddings ?? 'none'}.`,
  'Command: `npm run eval:retrieval' +
    (values.embeddings ? ` -- --embeddings ${values.embeddings}` : '') +
    '`',
  '',
  '| search | nDCG@10 | recall@10 | p50 ms | p95 ms |',
  '|---|---|---|---|---|',
  row('baseline: plain FTS5 bm25, whole abstracts, OR-ed terms', results.baseline_fts5!),
  row('keyword (product: chunks, title-weighted bm25)', results.keyword!),
  row('vector (product)', results.vector!),
  row('hybrid RRF (product)', results.hybrid!),
  '',
  `Keyword / baseline nDCG@10: **${report.keyword_vs_baseline.toFixed(3)}** (target ≥ 1.0; README's reference 0.698).`,
  `Ingestion: ${report.keyword_ingest_chunks_per_s} chunks/s into the keyword index` +
    (report.embedding_chunks_per_s ? `, ${report.embedding_chunks_per_s} chunks/s embedding.` : '.'),
  '',
];
writeFileSync(path.join(values.out, 'retrieval.md'), markdown.join('\n'));
console.log(markdown.join('\n'));
