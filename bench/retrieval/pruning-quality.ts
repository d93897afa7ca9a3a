/**
 * What keyword term pruning costs in retrieval quality: BEIR SciFact (train split) indexed through the
 * product's chunker and index (as eval-retrieval.ts does), ranked by the product's keyword search, by
 * the FTS-first shape, and by FTS-first with terms pruned; nDCG@10 and recall@10 with the same metric code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteDatabase } from '../../src/db/database.js';
import type { AccessScope } from '../../src/modules/retrieval/access-scope.js';
import { ftsMatchExpression } from '../../src/modules/retrieval/search-query.js';
import {
  createSqliteRetrievalIndex,
  type KeywordHit,
} from '../../src/modules/retrieval/sqlite-retrieval-index.js';
import { ndcgAt, recallAt, type SciFact } from './scifact.js';
import { indexSciFact } from './scifact-index.js';
import { createVariants } from './variants.js';

/** Quality of one keyword ranking over the SciFact train queries. */
export interface RankingQuality {
  readonly ndcg10: number;
  readonly recall10: number;
}

/** nDCG@10 / recall@10 of keyword search as shipped, FTS-first, and FTS-first pruned at each share. */
export async function pruningQuality(
  data: SciFact,
  chunking: { chunkSize: number; overlap: number },
  shares: readonly number[],
): Promise<Record<string, RankingQuality>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'privatestack-pruning-'));
  const database = await openSqliteDatabase(path.join(dir, 'scifact.db'));
  const { db } = database;
  const index = createSqliteRetrievalIndex(db);
  const { corpusIdOf } = await indexSciFact(db, index, data.corpus, { chunking });

  // As eval-retrieval.ts: the service's keyword list for topK 20 (80 candidates), first 20 chunks,
  // first hit of each document.
  const scope: AccessScope = { userId: 'eval', isAdmin: true, isManager: true };
  const variants = createVariants(db, index);
  const rankers: Record<string, (match: string) => Promise<KeywordHit[]>> = {
    product: (match) => index.keyword(scope, {}, match, 80),
    fts_first: (match) => variants.ftsFirstKeyword(scope, {}, match, 80),
    ...Object.fromEntries(
      shares.map((share) => [
        `pruned_${Math.round(share * 100)}`,
        async (match: string) =>
          variants.ftsFirstKeyword(scope, {}, await variants.prunedMatch(match, share), 80),
      ]),
    ),
  };
  const quality: Record<string, RankingQuality> = {};
  for (const [name, rank] of Object.entries(rankers)) {
    let ndcg = 0;
    let recall = 0;
    for (const query of data.queries) {
      const match = ftsMatchExpression(query.text);
      const hits = match ? (await rank(match)).slice(0, 20) : [];
      const rows = new Map(
        (await index.chunksBySeq(hits.map((hit) => hit.seq))).map((row) => [row.seq, row]),
      );
      const ranked: string[] = [];
      for (const hit of hits) {
        const corpusId = corpusIdOf.get(rows.get(hit.seq)!.document_id)!;
        if (!ranked.includes(corpusId)) ranked.push(corpusId);
      }
      const relevant = data.qrels.get(query.id)!;
      ndcg += ndcgAt(ranked, relevant);
      recall += recallAt(ranked, relevant);
    }
    quality[name] = { ndcg10: ndcg / data.queries.length, recall10: recall / data.queries.length };
  }
  await database.close();
  rmSync(dir, { recursive: true, force: true });
  return quality;
}
