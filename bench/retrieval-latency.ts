/**
 * Retrieval latency at 10k and 100k chunks (issue: hybrid p95 < 50 ms at 100k), through the product's
 * index and search service on a synthetic knowledge base (real SciFact sentences, synthetic 384-d
 * vectors). Exact brute-force float search is the baseline measured in the same run; faster query
 * shapes are prototyped in bench/retrieval/variants.ts and measured after the product's own.
 *   npm run bench:retrieval [-- --sizes 10000,100000] [--queries 200]
 * Writes bench/results/retrieval-latency.json and bench/results/retrieval-latency.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { openSqliteDatabase } from '../src/db/database.js';
import type { Action } from '../src/modules/access/permission-table.js';
import { assertRoleMay } from '../src/modules/access/policy.js';
import type { Principal } from '../src/modules/auth/auth.service.js';
import { scopeOf } from '../src/modules/documents/documents.service.js';
import { createRetrievalService, type RetrievalService } from '../src/modules/retrieval/retrieval.service.js';
import { ftsMatchExpression } from '../src/modules/retrieval/search-query.js';
import {
  createSqliteRetrievalIndex,
  type RetrievalIndex,
} from '../src/modules/retrieval/sqlite-retrieval-index.js';
import type { EmbeddingModel } from '../src/providers/embeddings/embedding-model.js';
import { queryPlan, statementParts, timePart } from './retrieval/breakdown.js';
import { buildKnowledgeBase, vectorAt, type KnowledgeBase } from './retrieval/knowledge-base.js';
import { quantile, summarise, timed, type Latency } from './retrieval/latency-stats.js';
import { pruningQuality } from './retrieval/pruning-quality.js';
import { loadSciFact } from './retrieval/scifact.js';
import { createVectorSource, DIMENSIONS, seededRandom, VECTOR_MODEL } from './retrieval/synthetic-corpus.js';
import { addIntegerKeys, addVariantSchema, createVariants } from './retrieval/variants.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    queries: { type: 'string', default: '200' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const QUERY_COUNT = Number(values.queries);
const WARMUP = 10;
const BREAKDOWN_QUERIES = Math.min(QUERY_COUNT, 100);
/** Documents re-ingested with vectors, before and after the variants' indexes. */
const REINGESTED = 50;
const RECALL_RESCORED = [40, 100, 200, 400, 800];
/** Keyword pruning variants: terms in more than this share of chunks are dropped (if a rarer one remains). */
const PRUNE_SHARES = [0.2, 0.1];
const percent = (share: number) => Math.round(share * 100);
const LARGE_CACHE_KIB = 65536;

const config = loadConfig({ DATA_DIR: path.resolve('.bench-tmp') });
const topK = config.retrieval.topK;
const candidates = Math.max(topK * 4, 40);
const rescored = candidates * 5;
const data = loadSciFact();
const queryTexts = readFileSync(path.resolve('../shared/data/scifact/queries.train.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { text: string }).text)
  .filter((text) => ftsMatchExpression(text) !== undefined);
const reader = { user: { id: 'reader', role: 'user' } } as unknown as Principal;
const admin = { user: { id: 'admin', role: 'admin' } } as unknown as Principal;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Query {
  readonly text: string;
  readonly match: string;
  readonly vector: Float32Array;
}
/** A measured operation; returns the ids it found, so variants can be checked against the product. */
type Method = (query: Query) => Promise<readonly (string | number)[]>;

/** Measurements for one knowledge-base size. */
interface SizeResult {
  chunks: number;
  documents: number;
  readable_chunk_share: number;
  database_mib: number;
  ingest: {
    keyword_chunks_per_s: number;
    vector_chunks_per_s: number;
    reingest_with_vectors_chunks_per_s: number;
    reingest_with_vectors_after_index_chunks_per_s: number;
    /** `DELETE FROM chunk_vector_bits WHERE document_id = ?` (deleteVectors, every re-ingest), median ms. */
    bits_delete_ms: number;
    bits_delete_after_index_ms: number;
    build_seconds: number;
  };
  breakdown_ms: Record<string, Latency>;
  breakdown_after_indexes_ms: Record<string, Latency>;
  /** Median share of all chunks that a query's OR-ed terms match (all of them are bm25-scored). */
  keyword_match_share_median: number;
  query_plans: Record<string, string[]>;
  latency_ms: Record<string, Latency>;
  recall_at_10: Record<string, number>;
  hybrid_p95_over_exact_float_p95: number;
  variants: {
    latency_ms: Record<string, Latency>;
    keyword_fts_first_identical: number;
    hybrid_fts_first_identical: number;
    hybrid_fts_first_p95_over_exact_float_p95: number;
    pruned: Record<
      string,
      {
        keyword_top_10_overlap: number;
        hybrid_top_k_overlap: number;
        hybrid_p95_over_exact_float_p95: number;
      }
    >;
  };
}

/** A search service over `index` whose embedding model returns the query's precomputed vector. */
function serviceWith(index: RetrievalIndex, vectorOf: () => Float32Array): RetrievalService {
  const model: EmbeddingModel = {
    id: 'synthetic-384',
    provider: 'local',
    dimensions: DIMENSIONS,
    embed: async () => [vectorOf()],
    dispose: async () => undefined,
  };
  // rag.search is a role-only cell (no lookup), so the check measured here is the production one.
  const policy = {
    authorize: async (principal: Principal, action: Action) => (assertRoleMay(principal, action), {}),
  };
  return createRetrievalService({
    index,
    policy,
    embeddings: { model },
    defaults: { topK, similarityThreshold: 0 },
  });
}

/** Runs every method on every query, interleaved in rotating order; drops the warm-up queries. */
async function interleaved(
  methods: Record<string, Method>,
  queries: readonly Query[],
): Promise<{ latency: Record<string, Latency>; found: Record<string, (readonly (string | number)[])[]> }> {
  const names = Object.keys(methods);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const found: Record<string, (readonly (string | number)[])[]> = Object.fromEntries(
    names.map((name) => [name, []]),
  );
  for (const [number, query] of queries.entries()) {
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = names[(number + offset) % names.length]!;
      const { value, ms } = await timed(() => methods[name]!(query));
      if (number < WARMUP) continue;
      samples[name]!.push(ms);
      found[name]!.push(value);
    }
  }
  const latency = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, summarise(list)]));
  return { latency, found };
}

const overlap = (a: readonly (string | number)[], b: readonly (string | number)[], k: number) => {
  const expected = new Set(b.slice(0, k));
  return expected.size === 0 ? 1 : a.slice(0, k).filter((id) => expected.has(id)).length / expected.size;
};
const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length);
const identicalShare = (a: (readonly (string | number)[])[], b: (readonly (string | number)[])[]) =>
  mean(a.map((ids, position) => (ids.join(',') === b[position]!.join(',') ? 1 : 0)));

async function measure(base: KnowledgeBase): Promise<SizeResult> {
  const { index, database } = base;
  const { db } = database;
  const scope = scopeOf(reader);
  const readableChunks = base.documents
    .filter((document) => document.workspaceId !== 'ws-3' && document.visibility === 'workspace')
    .reduce((sum, document) => sum + document.chunks.length, 0);
  const reingest = await reingestWithVectors(base, 0, REINGESTED);

  // Queries: SciFact claim texts; vectors near random chunks (so close neighbours exist).
  const vectorSource = createVectorSource(1234);
  const pick = seededRandom(99);
  const queries: Query[] = Array.from({ length: QUERY_COUNT + WARMUP }, (_, number) => {
    const text = queryTexts[number % queryTexts.length]!;
    return {
      text,
      match: ftsMatchExpression(text)!,
      vector: vectorSource.query(vectorAt(base, Math.floor(pick() * base.chunkCount))),
    };
  });
  let current = queries[0]!;
  const retrieval = serviceWith(index, () => current.vector);
  const ids = (result: { results: { chunk_id: string }[] }) => result.results.map((hit) => hit.chunk_id);
  const seqs = (hits: { seq: number }[]) => hits.map((hit) => hit.seq);

  // Where the time goes: the statements' parts, timed one by one, and their plans.
  log('  breakdown');
  const parts = statementParts(scope, candidates, rescored);
  const matchShares: number[] = [];
  const runParts = async (count: number) => {
    const samples: Record<string, number[]> = Object.fromEntries(
      Object.keys(parts).map((name) => [name, []]),
    );
    for (const [number, query] of queries.slice(0, count + WARMUP).entries()) {
      for (const [name, part] of Object.entries(parts)) {
        const ms = await timePart(db, part(query.match, query.vector));
        if (number >= WARMUP) samples[name]!.push(ms);
      }
    }
    return Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, summarise(list)]));
  };
  const breakdown = await runParts(BREAKDOWN_QUERIES);
  for (const query of queries.slice(WARMUP, WARMUP + BREAKDOWN_QUERIES)) {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM chunk_fts WHERE chunk_fts MATCH ${query.match}`.execute(db);
    matchShares.push(rows[0]!.n / base.chunkCount);
  }
  const bitsDelete = await timeBitsDelete(base);
  const plans = {
    keyword: await queryPlan(
      db,
      parts['keyword: product statement (+ permission filter)']!(queries[0]!.match, queries[0]!.vector),
    ),
    vector_coarse: await queryPlan(
      db,
      parts['vector: product coarse statement (filter + Hamming)']!(queries[0]!.match, queries[0]!.vector),
    ),
  };

  // The product as shipped, plus the same code over a connection with a larger page cache.
  log('  product latency');
  const cached = await openSqliteDatabase(path.join(base.dir, 'bench.db'));
  await sql`PRAGMA cache_size = ${sql.raw(String(-LARGE_CACHE_KIB))}`.execute(cached.db);
  const cachedRetrieval = serviceWith(createSqliteRetrievalIndex(cached.db), () => current.vector);
  const product = await interleaved(
    {
      keyword: async (query) => seqs(await index.keyword(scope, {}, query.match, candidates)),
      vector_quantised: async (query) =>
        seqs(await index.vector(scope, {}, query.vector, candidates, rescored)),
      exact_float: async (query) => seqs(await index.exactVector(scope, {}, query.vector, candidates)),
      hybrid: async (query) => {
        current = query;
        return ids(await retrieval.search(reader, { query: query.text, topK, mode: 'hybrid' }));
      },
      hybrid_admin: async (query) => {
        current = query;
        return ids(await retrieval.search(admin, { query: query.text, topK, mode: 'hybrid' }));
      },
      hybrid_page_cache_64mib: async (query) => {
        current = query;
        return ids(await cachedRetrieval.search(reader, { query: query.text, topK, mode: 'hybrid' }));
      },
    },
    queries,
  );
  await cached.close();

  // Recall@10 of the quantised search against exact search, same query vectors, reader scope.
  log('  recall');
  const measured = queries.slice(WARMUP);
  const truth = [];
  for (const query of measured) truth.push(seqs(await index.exactVector(scope, {}, query.vector, 10)));
  const recall: Record<string, number> = {};
  for (const count of RECALL_RESCORED) {
    const shares = [];
    for (const [number, query] of measured.entries()) {
      shares.push(overlap(seqs(await index.vector(scope, {}, query.vector, 10, count)), truth[number]!, 10));
    }
    recall[`rescored_${count}`] = mean(shares);
  }

  // Variants: two covering indexes, FTS-first keyword, term pruning, integer document keys.
  log('  variants');
  await addVariantSchema(db);
  const bitsDeleteAfterIndex = await timeBitsDelete(base);
  const reingestAfterIndex = await reingestWithVectors(base, REINGESTED, 2 * REINGESTED);
  const breakdownAfterIndexes = await runParts(Math.min(BREAKDOWN_QUERIES, 50));
  await addIntegerKeys(db);
  const variants = createVariants(db, index);
  const ftsFirstIndex: RetrievalIndex = { ...index, keyword: variants.ftsFirstKeyword };
  const ftsFirstRetrieval = serviceWith(ftsFirstIndex, () => current.vector);
  const search = (service: RetrievalService) => async (query: Query) => {
    current = query;
    return ids(await service.search(reader, { query: query.text, topK, mode: 'hybrid' }));
  };
  const prunedMethods: Record<string, Method> = {};
  for (const share of PRUNE_SHARES) {
    const own = createVariants(db, index);
    const prunedIndex: RetrievalIndex = {
      ...index,
      // Each share gets its own document-frequency cache, so each pays its own first-sight counts.
      keyword: async (scope, filters, match, limit) =>
        own.ftsFirstKeyword(scope, filters, await own.prunedMatch(match, share), limit),
    };
    prunedMethods[`keyword_pruned_${percent(share)}`] = async (query) =>
      seqs(await prunedIndex.keyword(scope, {}, query.match, candidates));
    prunedMethods[`hybrid_pruned_${percent(share)}`] = search(serviceWith(prunedIndex, () => current.vector));
  }
  const variant = await interleaved(
    {
      exact_float: async (query) => seqs(await index.exactVector(scope, {}, query.vector, candidates)),
      keyword: async (query) => seqs(await index.keyword(scope, {}, query.match, candidates)),
      keyword_fts_first: async (query) =>
        seqs(await variants.ftsFirstKeyword(scope, {}, query.match, candidates)),
      vector_covering_index: async (query) =>
        seqs(await index.vector(scope, {}, query.vector, candidates, rescored)),
      vector_integer_keys: async (query) =>
        seqs(await variants.integerKeyVector(scope, {}, query.vector, candidates, rescored)),
      hybrid_covering_index: search(retrieval),
      hybrid_fts_first: search(ftsFirstRetrieval),
      ...prunedMethods,
    },
    queries,
  );
  const found = variant.found;
  const exactP95 = variant.latency.exact_float!.p95;

  return {
    chunks: base.chunkCount,
    documents: base.documents.length,
    readable_chunk_share: round(readableChunks / base.chunkCount, 3),
    database_mib: Math.round(statSync(path.join(base.dir, 'bench.db')).size / 1048576),
    ingest: {
      keyword_chunks_per_s: Math.round(base.chunkCount / base.timings.keywordSeconds),
      vector_chunks_per_s: Math.round(base.chunkCount / base.timings.vectorSeconds),
      reingest_with_vectors_chunks_per_s: reingest,
      reingest_with_vectors_after_index_chunks_per_s: reingestAfterIndex,
      bits_delete_ms: bitsDelete,
      bits_delete_after_index_ms: bitsDeleteAfterIndex,
      build_seconds: round(
        base.timings.generateSeconds + base.timings.keywordSeconds + base.timings.vectorSeconds,
        1,
      ),
    },
    breakdown_ms: breakdown,
    breakdown_after_indexes_ms: breakdownAfterIndexes,
    keyword_match_share_median: round(quantile(matchShares, 0.5), 3),
    query_plans: plans,
    latency_ms: product.latency,
    recall_at_10: recall,
    hybrid_p95_over_exact_float_p95: round(product.latency.hybrid!.p95 / product.latency.exact_float!.p95, 3),
    variants: {
      latency_ms: variant.latency,
      keyword_fts_first_identical: identicalShare(found.keyword_fts_first!, found.keyword!),
      hybrid_fts_first_identical: identicalShare(found.hybrid_fts_first!, found.hybrid_covering_index!),
      hybrid_fts_first_p95_over_exact_float_p95: round(variant.latency.hybrid_fts_first!.p95 / exactP95, 3),
      pruned: Object.fromEntries(
        PRUNE_SHARES.map((share) => {
          const keyword = found[`keyword_pruned_${percent(share)}`]!;
          const hybrid = found[`hybrid_pruned_${percent(share)}`]!;
          return [
            `df_over_${percent(share)}_percent`,
            {
              keyword_top_10_overlap: round(
                mean(keyword.map((list, position) => overlap(list, found.keyword![position]!, 10))),
                3,
              ),
              hybrid_top_k_overlap: round(
                mean(
                  hybrid.map((list, position) =>
                    overlap(list, found.hybrid_covering_index![position]!, topK),
                  ),
                ),
                3,
              ),
              hybrid_p95_over_exact_float_p95: round(
                variant.latency[`hybrid_pruned_${percent(share)}`]!.p95 / exactP95,
                3,
              ),
            },
          ];
        }),
      ),
    },
  };
}

/** Median ms of deleteVectors' first statement for a document with no vectors (deletes nothing). */
async function timeBitsDelete(base: KnowledgeBase): Promise<number> {
  const samples = [];
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const { ms } = await timed(() =>
      base.database.db
        .deleteFrom('chunk_vector_bits')
        .where('document_id', '=', `absent-${attempt}`)
        .execute(),
    );
    samples.push(ms);
  }
  return round(quantile(samples, 0.5), 2);
}

/**
 * Re-ingests documents [from, to) with vectors through one replaceChunks call each (the ingestion
 * job with an embedding model, replacing an existing version); returns chunks/s.
 */
async function reingestWithVectors(base: KnowledgeBase, from: number, to: number): Promise<number> {
  const documents = base.documents.slice(from, to);
  const chunks = documents.reduce((sum, document) => sum + document.chunks.length, 0);
  const { ms } = await timed(async () => {
    for (const document of documents) {
      await base.database.db.transaction().execute(async (trx) => {
        await base.index.replaceChunks(
          trx,
          document.id,
          document.title,
          document.chunks,
          document.chunks.map((_, offset) => vectorAt(base, document.firstChunk + offset)),
        );
      });
    }
  });
  return Math.round(chunks / (ms / 1000));
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const results: SizeResult[] = [];
for (const size of SIZES) {
  log(`building ${size} chunks`);
  const base = await buildKnowledgeBase({
    chunkCount: size,
    corpus: data.corpus,
    chunking: { chunkSize: config.retrieval.chunkSize, overlap: config.retrieval.chunkOverlap },
    log,
  });
  results.push(await measure(base));
  await base.database.close();
  rmSync(base.dir, { recursive: true, force: true });
}
log('pruning quality (SciFact)');
const quality = await pruningQuality(
  data,
  { chunkSize: config.retrieval.chunkSize, overlap: config.retrieval.chunkOverlap },
  PRUNE_SHARES,
);

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
const report = {
  date: new Date().toISOString(),
  commit,
  cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
  node: process.version,
  command: `npm run bench:retrieval -- --sizes ${values.sizes} --queries ${QUERY_COUNT}`,
  top_k: topK,
  candidates,
  rescored,
  queries: QUERY_COUNT,
  warmup_queries: WARMUP,
  chunk_size: config.retrieval.chunkSize,
  prune_shares: PRUNE_SHARES,
  synthetic_vectors: { dimensions: DIMENSIONS, ...VECTOR_MODEL },
  results,
  keyword_quality_scifact: quality,
};
mkdirSync(values.out, { recursive: true });
writeFileSync(path.join(values.out, 'retrieval-latency.json'), `${JSON.stringify(report, null, 2)}\n`);
const markdown = renderMarkdown();
writeFileSync(path.join(values.out, 'retrieval-latency.md'), markdown);
console.log(markdown);

/** The breakdown in words, with the measured p50s. */
function reading(result: SizeResult, size: string): string[] {
  const p50 = (name: string) => result.breakdown_ms[name]!.p50;
  const count = p50('keyword: FTS5 match count (no bm25)');
  const bm25 = p50('keyword: FTS5 bm25 top-k (no join, no filter)');
  const join = p50('keyword: + join document_chunks (no filter)');
  const keyword = p50('keyword: product statement (+ permission filter)');
  const hamming = p50('vector: Hamming top-k over all bits (no filter)');
  const filter = p50('vector: permission filter over all bits (no distance)');
  const coarse = p50('vector: product coarse statement (filter + Hamming)');
  const readable = p50('permission subquery alone (readable documents)');
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return [
    `At ${size} (p50): a claim's OR-ed terms match ${Math.round(result.keyword_match_share_median * 100)} % of all chunks (median); FTS5 finds them in`,
    `${ms(count)}, scoring every one with bm25 takes ${ms(bm25)}, joining every match to \`document_chunks\` (for`,
    `\`document_id\`) brings it to ${ms(join)}, the permission filter to ${ms(keyword)}. The coarse vector pass: Hamming`,
    `distance over all sign bits ${ms(hamming)}, the permission filter alone (a text IN-probe per row) ${ms(filter)},`,
    `both ${ms(coarse)}. The permission subquery itself costs ${ms(readable)} per statement (one page per document).`,
  ];
}

function renderMarkdown(): string {
  const sizes = results.map((result) => `${result.chunks / 1000}k`);
  const header = (first: string, columns: string[]) => [
    `| ${first} | ${columns.join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
  ];
  const latencyColumns = sizes.flatMap((size) => [`${size} p50 ms`, `${size} p95 ms`, `${size} p95 ÷ exact`]);
  const latencyRows = (pick: (result: SizeResult) => Record<string, Latency>, names: [string, string][]) =>
    names.map(
      ([name, label]) =>
        `| ${label} | ${results
          .flatMap((result) => {
            const latency = pick(result)[name]!;
            const exact = pick(result).exact_float!.p95;
            return [latency.p50.toFixed(1), latency.p95.toFixed(1), (latency.p95 / exact).toFixed(2)];
          })
          .join(' | ')} |`,
    );
  const last = results.at(-1)!;
  const targetMet = (last.latency_ms.hybrid?.p95 ?? Infinity) < 50;
  const lines = [
    `# Retrieval latency — ${sizes.join(' and ')} chunks`,
    '',
    `Commit ${commit}, ${report.date}, ${report.cpu}, Node ${process.version}. Command: \`${report.command}\`.`,
    '',
    `Synthetic knowledge base built through the product's own code (migrations, chunker at ${config.retrieval.chunkSize} tokens,`,
    '`replaceChunks` / `replaceVectors` in transactions of 25 documents): text = real SciFact sentences, cycled',
    '(so BM25 sees real term statistics); about 20 chunks per document, 4 workspaces. **Vectors are synthetic** —',
    `there is no 384-d embedding model on this machine: ${VECTOR_MODEL.topics} random topic centroids plus a shared`,
    'direction (real embeddings are anisotropic), a per-document offset and per-chunk gaussian noise, L2-normalised;',
    'a query vector is a random chunk vector plus noise. Recall figures depend on that structure.',
    `Queries: ${QUERY_COUNT} SciFact train claims (text) each paired with a query vector, after ${WARMUP} warm-up`,
    `queries; every method runs on every query, interleaved in rotating order. top_k ${topK}, so the service asks`,
    `for ${candidates} candidates per list and rescores ${rescored} sign-bit candidates. Searches run as a`,
    `non-admin member of 3 of the 4 workspaces (the permission filter is exercised: ${Math.round(last.readable_chunk_share * 100)} % of chunks readable);`,
    '"hybrid admin" is the admin scope. Hybrid = `retrieval.search` (keyword + quantised vector + RRF + row fetch)',
    'with a stub embedding model returning the precomputed vector: **embedding time is excluded**.',
    '',
    '## Ingestion',
    '',
    ...header('size', [
      'keyword index chunks/s',
      'vectors chunks/s',
      're-ingest with vectors chunks/s',
      '… with indexes',
      'bits delete per document ms',
      '… with indexes',
      'build s',
      'DB MiB',
    ]),
    ...results.map(
      (result, position) =>
        `| ${sizes[position]} | ${result.ingest.keyword_chunks_per_s} | ${result.ingest.vector_chunks_per_s} | ${result.ingest.reingest_with_vectors_chunks_per_s} | ${result.ingest.reingest_with_vectors_after_index_chunks_per_s} | ${result.ingest.bits_delete_ms} | ${result.ingest.bits_delete_after_index_ms} | ${result.ingest.build_seconds} | ${result.database_mib} |`,
    ),
    '',
    'Keyword = document row + `replaceChunks` without vectors; vectors = `replaceVectors` afterwards (the embed',
    `job); re-ingest = \`replaceChunks\` with vectors replacing ${REINGESTED} existing documents (the ingest job with a`,
    'model) at full size, before and after adding the indexes of the variants (below). Bits delete = the first',
    'statement of `deleteVectors` (`DELETE FROM chunk_vector_bits WHERE document_id = ?`), which runs for every',
    'ingested or re-embedded document: without an index it scans the whole table.',
    '',
    '## Latency (product as shipped)',
    '',
    ...header('search', latencyColumns),
    ...latencyRows(
      (result) => result.latency_ms,
      [
        ['keyword', 'keyword (`index.keyword`, FTS5 bm25)'],
        ['vector_quantised', `vector (\`index.vector\`: sign-bit Hamming → ${rescored} → exact cosine)`],
        ['exact_float', '**baseline**: exact float vector (`index.exactVector`, brute force)'],
        ['hybrid', '**hybrid** (`retrieval.search`, reader)'],
        ['hybrid_admin', 'hybrid, admin scope'],
        ['hybrid_page_cache_64mib', 'hybrid, connection with a 64 MiB page cache'],
      ],
    ),
    '',
    `Hybrid p95 ÷ exact float p95 (same run): ${results
      .map((result, position) => `${sizes[position]} **${result.hybrid_p95_over_exact_float_p95}**`)
      .join(', ')}. Target hybrid p95 < 50 ms at 100k: ${
      last.chunks >= 100000
        ? targetMet
          ? '**met**'
          : `**missed** (${last.latency_ms.hybrid!.p95.toFixed(1)} ms)`
        : 'not measured at 100k'
    }.`,
    '',
    '## Recall@10 of the quantised search against exact search (same query vectors, reader scope)',
    '',
    ...header(
      'sign-bit candidates rescored',
      sizes.map((size) => `${size} recall@10`),
    ),
    ...RECALL_RESCORED.map(
      (count) =>
        `| ${count}${count === rescored ? ' (service default)' : ''} | ${results.map((result) => result.recall_at_10[`rescored_${count}`]!.toFixed(3)).join(' | ')} |`,
    ),
    '',
    '## Where the time goes (parts of the product statements, run alone)',
    '',
    ...header(
      'part',
      sizes.flatMap((size) => [`${size} p50 ms`, `${size} p95 ms`, `${size} p50 with indexes`]),
    ),
    ...Object.keys(last.breakdown_ms).map(
      (name) =>
        `| ${name} | ${results
          .flatMap((result) => [
            result.breakdown_ms[name]!.p50.toFixed(1),
            result.breakdown_ms[name]!.p95.toFixed(1),
            result.breakdown_after_indexes_ms[name]!.p50.toFixed(1),
          ])
          .join(' | ')} |`,
    ),
    '',
    '"With indexes": the same statements after the two covering indexes of the variants below are added.',
    '',
    ...reading(last, sizes.at(-1)!),
    '',
    `Query plans at ${sizes.at(-1)} (EXPLAIN QUERY PLAN):`,
    '',
    '```',
    `keyword:       ${last.query_plans.keyword!.join(' | ')}`,
    `vector coarse: ${last.query_plans.vector_coarse!.join(' | ')}`,
    '```',
    '',
    '## Variants (prototyped in bench/retrieval/variants.ts; measured after the product runs, same database)',
    '',
    'First two covering indexes are added: `documents(workspace_id, status, visibility, uploaded_by, id)` (the',
    'permission subquery then reads an index instead of one page per document, whose row carries the extracted',
    'text) and `chunk_vector_bits(document_id, bits)` (the unchanged vector statement then reads the readable',
    'documents\' bits from the index instead of probing every row). "+ indexes" rows run the product\'s own',
    'statements over them. Then:',
    '',
    '- **keyword FTS-first**: bm25 top 4 × limit from FTS5 alone, then the join and permission filter on those',
    '  rows only; falls back to the product statement when fewer than `limit` survive. Same hits as the product.',
    `- **pruned**: FTS-first, and terms that occur in more than ${PRUNE_SHARES.map((share) => `${percent(share)} %`).join(' or ')} of chunks are dropped from the OR`,
    "  query when a rarer term remains (each term's document frequency counted on first sight, inside the",
    '  timing, then cached).',
    '  Approximate: changes the ranking slightly (see overlaps).',
    '- **integer keys**: sign bits in a table keyed by an integer document key; the filter maps readable ids to keys.',
    '',
    ...header('search', latencyColumns),
    ...latencyRows(
      (result) => result.variants.latency_ms,
      [
        ['exact_float', '**baseline**: exact float vector (same phase)'],
        ['keyword', 'keyword, product statement + indexes'],
        ['keyword_fts_first', 'keyword, FTS-first'],
        ...PRUNE_SHARES.map((share): [string, string] => [
          `keyword_pruned_${percent(share)}`,
          `keyword, FTS-first + pruned (df > ${percent(share)} %)`,
        ]),
        ['vector_covering_index', 'vector, product statement + indexes'],
        ['vector_integer_keys', 'vector, integer document keys (+ documents index)'],
        ['hybrid_covering_index', 'hybrid, product + indexes'],
        ['hybrid_fts_first', '**hybrid, FTS-first keyword + indexes** (same results)'],
        ...PRUNE_SHARES.map((share): [string, string] => [
          `hybrid_pruned_${percent(share)}`,
          `**hybrid, FTS-first + pruned (df > ${percent(share)} %) + indexes** (approximate)`,
        ]),
      ],
    ),
    '',
    ...header('check', sizes),
    `| keyword FTS-first identical to product (share of queries) | ${results.map((result) => result.variants.keyword_fts_first_identical.toFixed(3)).join(' | ')} |`,
    `| hybrid FTS-first identical to product hybrid | ${results.map((result) => result.variants.hybrid_fts_first_identical.toFixed(3)).join(' | ')} |`,
    `| hybrid FTS-first p95 ÷ exact float p95 | ${results.map((result) => result.variants.hybrid_fts_first_p95_over_exact_float_p95.toFixed(3)).join(' | ')} |`,
    ...PRUNE_SHARES.flatMap((share) => {
      const key = `df_over_${percent(share)}_percent`;
      const cells = (pick: (pruned: SizeResult['variants']['pruned'][string]) => number) =>
        results.map((result) => pick(result.variants.pruned[key]!).toFixed(3)).join(' | ');
      return [
        `| keyword pruned (df > ${percent(share)} %): top-10 overlap with product | ${cells((pruned) => pruned.keyword_top_10_overlap)} |`,
        `| hybrid pruned (df > ${percent(share)} %): top-${topK} overlap with product hybrid | ${cells((pruned) => pruned.hybrid_top_k_overlap)} |`,
        `| hybrid pruned (df > ${percent(share)} %) p95 ÷ exact float p95 | ${cells((pruned) => pruned.hybrid_p95_over_exact_float_p95)} |`,
      ];
    }),
    '',
    '## What pruning costs in quality (SciFact train, 809 queries, keyword search only)',
    '',
    "SciFact indexed through the product's chunker and index as `eval-retrieval.ts` does; ranked as its keyword",
    'row (80 candidates, first 20 chunks, first hit per abstract).',
    '',
    '| keyword ranking | nDCG@10 | recall@10 |',
    '|---|---:|---:|',
    ...Object.entries(quality).map(
      ([name, value]) => `| ${name} | ${value.ndcg10.toFixed(4)} | ${value.recall10.toFixed(4)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
