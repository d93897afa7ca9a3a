/**
 * Faster shapes of the retrieval index's keyword and vector queries, prototyped in the benchmark
 * only (src/ is unchanged). Each keeps the permission filter `document_id IN (readable documents)`
 * inside the same SQL statement as the product does.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/tables.js';
import {
  readableDocumentIds,
  type AccessScope,
  type SearchFilters,
} from '../../src/modules/retrieval/access-scope.js';
import type { KeywordHit, RetrievalIndex } from '../../src/modules/retrieval/sqlite-retrieval-index.js';
import { signBits } from '../../src/modules/retrieval/vector-codec.js';

/** The same BM25 column weights as the product. */
const TITLE_WEIGHT = 2.5;
const BODY_WEIGHT = 1.0;

/** Schema additions the variants rely on (bench database only): two covering indexes. */
export async function addVariantSchema(db: Kysely<Database>): Promise<void> {
  // The permission subquery reads these columns of every document in the user's workspaces; from the
  // table that means one page per document (rows carry the whole extracted text), from here a few.
  await sql`CREATE INDEX bench_documents_access
    ON documents(workspace_id, status, visibility, uploaded_by, id)`.execute(db);
  // Serves the permission filter of the coarse vector pass from the index alone (it carries the
  // bits), and deleteVectors' `WHERE document_id = ?`, which otherwise scans the table.
  await sql`CREATE INDEX bench_vector_bits_document ON chunk_vector_bits(document_id, bits)`.execute(db);
}

/** Integer document keys: a key per document and the sign bits keyed by it (bench tables). */
export async function addIntegerKeys(db: Kysely<Database>): Promise<void> {
  await sql`CREATE TABLE bench_document_keys(key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)`.execute(db);
  await sql`INSERT INTO bench_document_keys(id) SELECT id FROM documents`.execute(db);
  await sql`CREATE TABLE bench_vector_bits_int(
    chunk_seq INTEGER PRIMARY KEY, document_key INTEGER NOT NULL, bits BLOB NOT NULL)`.execute(db);
  await sql`INSERT INTO bench_vector_bits_int
    SELECT b.chunk_seq, k.key, b.bits FROM chunk_vector_bits b JOIN bench_document_keys k ON k.id = b.document_id`.execute(
    db,
  );
}

/** Variant queries over a database holding the product's schema plus addVariantSchema/addIntegerKeys. */
export function createVariants(db: Kysely<Database>, index: RetrievalIndex) {
  /**
   * BM25 top `limit × oversample` from FTS5 alone, then the join and permission filter on those rows
   * only; falls back to the product query when fewer than `limit` readable rows survive. Returns the
   * same hits as the product: if at least `limit` of the global top rows are readable, they are the
   * readable top rows.
   */
  const ftsFirstKeyword = async (
    scope: AccessScope,
    filters: SearchFilters,
    match: string,
    limit: number,
    oversample = 4,
  ): Promise<KeywordHit[]> => {
    const { rows } = await sql<{ seq: number; score: number }>`
      SELECT t.seq AS seq, t.score AS score FROM (
        SELECT rowid AS seq, bm25(chunk_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) AS score FROM chunk_fts
        WHERE chunk_fts MATCH ${match} ORDER BY score LIMIT ${limit * oversample}) t
      JOIN document_chunks c ON c.seq = t.seq
      WHERE c.document_id IN (${readableDocumentIds(scope, filters)})
      ORDER BY t.score LIMIT ${limit}`.execute(db);
    if (rows.length < limit) return index.keyword(scope, filters, match, limit);
    return rows.map((row): KeywordHit => ({ seq: row.seq, bm25: -row.score }));
  };

  const frequency = new Map<string, number>();
  let total: number | undefined;
  /**
   * The product's match expression (quoted terms OR-ed) without the terms that occur in more than
   * `maxShare` of all chunks (kept when nothing rarer is left). Document frequencies are counted
   * on first sight of a term and cached (the chunk total with them).
   */
  const prunedMatch = async (match: string, maxShare: number): Promise<string> => {
    const terms = match.split(' OR ');
    const missing = terms.filter((term) => !frequency.has(term));
    if (total === undefined || missing.length > 0) {
      const { rows } = await sql<Record<string, number>>`SELECT ${sql.join([
        sql`(SELECT count(*) FROM document_chunks) AS total`,
        ...missing.map(
          (term, position) =>
            sql`(SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH ${term}) AS ${sql.ref(`t${position}`)}`,
        ),
      ])}`.execute(db);
      total = rows[0]!.total!;
      missing.forEach((term, position) => frequency.set(term, rows[0]![`t${position}`]!));
    }
    const rare = terms.filter((term) => frequency.get(term)! <= maxShare * total!);
    return (rare.length > 0 ? rare : terms).join(' OR ');
  };

  /** The coarse Hamming pass over integer document keys, then the product's exact rescoring. */
  const integerKeyVector = async (
    scope: AccessScope,
    filters: SearchFilters,
    query: Float32Array,
    limit: number,
    candidates: number,
  ) => {
    const { rows } = await sql<{ seq: number }>`
      SELECT b.chunk_seq AS seq FROM bench_vector_bits_int b
      WHERE b.document_key IN (SELECT k.key FROM bench_document_keys k
        WHERE k.id IN (${readableDocumentIds(scope, filters)}))
      ORDER BY vec_distance_hamming(vec_bit(b.bits), vec_bit(${signBits(query)}))
      LIMIT ${Math.max(candidates, limit)}`.execute(db);
    return index.rescore(
      rows.map((row) => row.seq),
      query,
      limit,
    );
  };

  return { ftsFirstKeyword, prunedMatch, integerKeyVector };
}
