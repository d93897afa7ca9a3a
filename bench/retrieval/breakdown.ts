/**
 * Where a search's time goes: the product's keyword and vector statements (SQL copied from
 * sqlite-retrieval-index.ts) split into their parts, timed one by one, plus their query plans.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../src/db/tables.js';
import { readableDocumentIds, type AccessScope } from '../../src/modules/retrieval/access-scope.js';
import { signBits } from '../../src/modules/retrieval/vector-codec.js';

/** One part of a statement, run for a query (text match expression and vector). */
export type Part = (match: string, vector: Float32Array) => RawBuilder<unknown>;

/** The parts of the keyword and vector statements, for one scope, with the candidate counts the service uses. */
export function statementParts(
  scope: AccessScope,
  candidates: number,
  rescored: number,
): Record<string, Part> {
  const readable = () => readableDocumentIds(scope, {});
  const hamming = (vector: Float32Array) =>
    sql`vec_distance_hamming(vec_bit(b.bits), vec_bit(${signBits(vector)}))`;
  return {
    'keyword: FTS5 match count (no bm25)': (match) =>
      sql`SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH ${match}`,
    'keyword: FTS5 bm25 top-k (no join, no filter)': (match) =>
      sql`SELECT rowid, bm25(chunk_fts, 2.5, 1.0) AS score FROM chunk_fts WHERE chunk_fts MATCH ${match}
        ORDER BY score LIMIT ${candidates}`,
    'keyword: + join document_chunks (no filter)': (match) =>
      sql`SELECT chunk_fts.rowid, bm25(chunk_fts, 2.5, 1.0) AS score
        FROM chunk_fts JOIN document_chunks c ON c.seq = chunk_fts.rowid
        WHERE chunk_fts MATCH ${match} ORDER BY score LIMIT ${candidates}`,
    'keyword: product statement (+ permission filter)': (match) =>
      sql`SELECT chunk_fts.rowid AS seq, bm25(chunk_fts, 2.5, 1.0) AS score
        FROM chunk_fts JOIN document_chunks c ON c.seq = chunk_fts.rowid
        WHERE chunk_fts MATCH ${match} AND c.document_id IN (${readable()})
        ORDER BY score LIMIT ${candidates}`,
    'permission subquery alone (readable documents)': () => sql`SELECT count(*) FROM (${readable()})`,
    'vector: Hamming top-k over all bits (no filter)': (_, vector) =>
      sql`SELECT b.chunk_seq FROM chunk_vector_bits b ORDER BY ${hamming(vector)} LIMIT ${rescored}`,
    'vector: permission filter over all bits (no distance)': () =>
      sql`SELECT count(*) FROM chunk_vector_bits b WHERE b.document_id IN (${readable()})`,
    'vector: product coarse statement (filter + Hamming)': (_, vector) =>
      sql`SELECT b.chunk_seq AS seq FROM chunk_vector_bits b
        WHERE b.document_id IN (${readable()})
        ORDER BY ${hamming(vector)} LIMIT ${rescored}`,
  };
}

/** Runs a part and returns elapsed milliseconds. */
export async function timePart(db: Kysely<Database>, part: RawBuilder<unknown>): Promise<number> {
  const started = performance.now();
  await part.execute(db);
  return performance.now() - started;
}

/** EXPLAIN QUERY PLAN of a statement, one line per step. */
export async function queryPlan(db: Kysely<Database>, statement: RawBuilder<unknown>): Promise<string[]> {
  const compiled = statement.compile(db);
  const explained = await db.executeQuery<{ detail: string }>({
    ...compiled,
    sql: `EXPLAIN QUERY PLAN ${compiled.sql}`,
  });
  return explained.rows.map((row) => row.detail);
}
