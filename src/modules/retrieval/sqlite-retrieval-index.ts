import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/tables.js';
import type { Chunk } from '../documents/chunking/chunker.js';
import { readableDocumentIds, type AccessScope, type SearchFilters } from './access-scope.js';
import { indonesianStemsOf } from './indonesian-stemmer.js';
import { blobToVector, dot, signBits, vectorToBlob } from './vector-codec.js';

/** A keyword hit: chunk and its BM25 score (higher is better). */
export interface KeywordHit {
  readonly seq: number;
  readonly bm25: number;
}

/** A vector hit: chunk and its cosine similarity to the query. */
export interface VectorHit {
  readonly seq: number;
  readonly similarity: number;
}

/** Column weights for BM25: the title/heading column counts more than the body. */
const TITLE_WEIGHT = 2.5;
const BODY_WEIGHT = 1.0;

/**
 * SQLite's retrieval index: FTS5 for keywords, sqlite-vec functions for vectors. Every query
 * restricts candidates with `document_id IN (readable documents)` inside the same statement.
 */
export function createSqliteRetrievalIndex(db: Kysely<Database>) {
  /** Exact cosine similarity of the given chunks' float vectors to the query, best first. */
  const rescore = async (seqs: readonly number[], query: Float32Array, limit: number) => {
    if (seqs.length === 0) return [];
    const rows = await db
      .selectFrom('chunk_vectors')
      .select(['chunk_seq', 'embedding'])
      .where('chunk_seq', 'in', [...seqs])
      .execute();
    return rows
      .map((row): VectorHit => ({ seq: row.chunk_seq, similarity: dot(query, blobToVector(row.embedding)) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit);
  };

  return {
    /** Exact cosine rescoring of given chunks (the second step of `vector`). */
    rescore,
    /**
     * Replaces a document's chunks and their index entries inside the caller's transaction, so a
     * crash leaves either the old complete set or the new one, never a mix.
     */
    replaceChunks: async (
      trx: Transaction<Database>,
      documentId: string,
      title: string,
      chunks: readonly Chunk[],
      vectors?: readonly Float32Array[],
    ) => {
      await deleteChunks(trx, documentId);
      for (const [position, chunk] of chunks.entries()) {
        const row = await trx
          .insertInto('document_chunks')
          .values({
            id: crypto.randomUUID(),
            document_id: documentId,
            chunk_index: chunk.index,
            content: chunk.content,
            heading: chunk.heading ?? null,
            page: chunk.page ?? null,
            page_end: chunk.pageEnd ?? null,
            span_start: chunk.start,
            span_end: chunk.end,
            token_count: chunk.tokens,
            metadata: JSON.stringify({ section_type: chunk.sectionType, table_header: chunk.tableHeader }),
          })
          .returning('seq')
          .executeTakeFirstOrThrow();
        const heading = [title, chunk.heading].filter(Boolean).join(' \n ');
        const text = chunk.tableHeader ? `${chunk.tableHeader}\n${chunk.content}` : chunk.content;
        // Indonesian passages also index their word stems (English text gets nothing added).
        const body = `${text}\n${indonesianStemsOf(`${heading}\n${text}`)}`;
        await sql`INSERT INTO chunk_fts(rowid, title, body, document_id)
          VALUES (${row.seq}, ${heading}, ${body}, ${documentId})`.execute(trx);
        const vector = vectors?.[position];
        if (vector) await insertVector(trx, row.seq, documentId, vector);
      }
    },

    /** Removes a document's chunks, keyword entries and vectors (inside the caller's transaction). */
    deleteChunks,

    /** Stores vectors for existing chunks (re-embedding), replacing any old ones. */
    replaceVectors: async (
      trx: Transaction<Database>,
      documentId: string,
      vectors: readonly { seq: number; vector: Float32Array }[],
    ) => {
      await deleteVectors(trx, documentId);
      for (const { seq, vector } of vectors) await insertVector(trx, seq, documentId, vector);
    },

    /** Drops every vector (the embedding model changed). */
    clearAllVectors: async () => {
      await db.deleteFrom('chunk_vector_bits').execute();
      await db.deleteFrom('chunk_vectors').execute();
    },

    /** Best BM25 matches among chunks the scope may read. `match` is a safe FTS5 expression. */
    keyword: async (scope: AccessScope, filters: SearchFilters, match: string, limit: number) => {
      const { rows } = await sql<{ seq: number; score: number }>`
        SELECT chunk_fts.rowid AS seq, bm25(chunk_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) AS score
        FROM chunk_fts
        WHERE chunk_fts MATCH ${match}
          AND chunk_fts.document_id IN (${readableDocumentIds(scope, filters)})
        ORDER BY score LIMIT ${limit}`.execute(db);
      return rows.map((row): KeywordHit => ({ seq: row.seq, bm25: -row.score }));
    },

    /**
     * Nearest chunks the scope may read: a Hamming-distance pass over sign bits picks `candidates`,
     * then exact cosine similarity on the float vectors re-ranks them.
     */
    vector: async (
      scope: AccessScope,
      filters: SearchFilters,
      query: Float32Array,
      limit: number,
      candidates: number,
    ) => {
      const { rows: coarse } = await sql<{ seq: number }>`
        SELECT b.chunk_seq AS seq FROM chunk_vector_bits b
        WHERE b.document_id IN (${readableDocumentIds(scope, filters)})
        ORDER BY vec_distance_hamming(vec_bit(b.bits), vec_bit(${signBits(query)}))
        LIMIT ${Math.max(candidates, limit)}`.execute(db);
      return rescore(
        coarse.map((row) => row.seq),
        query,
        limit,
      );
    },

    /** Exact (brute-force float) nearest chunks, for measuring the quantised search's recall. */
    exactVector: async (scope: AccessScope, filters: SearchFilters, query: Float32Array, limit: number) => {
      const { rows } = await sql<{ seq: number; distance: number }>`
        SELECT v.chunk_seq AS seq, vec_distance_cosine(v.embedding, ${vectorToBlob(query)}) AS distance
        FROM chunk_vectors v JOIN document_chunks c ON c.seq = v.chunk_seq
        WHERE c.document_id IN (${readableDocumentIds(scope, filters)})
        ORDER BY distance LIMIT ${limit}`.execute(db);
      return rows.map((row): VectorHit => ({ seq: row.seq, similarity: 1 - row.distance }));
    },

    /** Chunks with their documents, for presenting hits. */
    chunksBySeq: async (seqs: readonly number[]) =>
      seqs.length === 0
        ? []
        : db
            .selectFrom('document_chunks as c')
            .innerJoin('documents as d', 'd.id', 'c.document_id')
            .select([
              'c.seq',
              'c.id',
              'c.document_id',
              'c.chunk_index',
              'c.content',
              'c.heading',
              'c.page',
              'c.page_end',
              'c.span_start',
              'c.span_end',
              'c.metadata',
              'd.original_filename',
              'd.title',
              'd.workspace_id',
            ])
            .where('c.seq', 'in', [...seqs])
            .execute(),

    /** One chunk of a document by its public id. */
    chunkById: (documentId: string, chunkId: string) =>
      db
        .selectFrom('document_chunks')
        .selectAll()
        .where('id', '=', chunkId)
        .where('document_id', '=', documentId)
        .executeTakeFirst(),

    /** A document's chunks in order (for re-embedding). */
    chunksOf: (documentId: string) =>
      db
        .selectFrom('document_chunks')
        .select(['seq', 'content', 'heading', 'metadata'])
        .where('document_id', '=', documentId)
        .orderBy('chunk_index')
        .execute(),

    /**
     * For each term, the share of chunks it occurs in (an estimate: total = highest chunk number), and
     * that total; one statement. Terms are plain letter/digit words (queryTerms), quoted for MATCH.
     */
    termShares: async (terms: readonly string[]) => {
      const counts = terms.map(
        (term, position) =>
          sql`(SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH ${`"${term}"`}) AS ${sql.ref(`t${position}`)}`,
      );
      const { rows } = await sql<Record<string, number>>`SELECT
        (SELECT coalesce(max(seq), 0) FROM document_chunks) AS total, ${sql.join(counts)}`.execute(db);
      const row = rows[0] ?? {};
      const total = Number(row.total ?? 0);
      const shares = new Map(
        terms.map((term, position) => [term, total > 0 ? Number(row[`t${position}`]) / total : 0]),
      );
      return { total, shares };
    },

    /** Highest chunk number: an upper bound of the chunk count, read from the primary key. */
    approximateChunkCount: async () =>
      Number(
        (
          await db
            .selectFrom('document_chunks')
            .select((eb) => eb.fn.max('seq').as('n'))
            .executeTakeFirst()
        )?.n ?? 0,
      ),

    /** Chunk and vector totals of the documents a scope may read, for health and config. */
    totals: async (scope: AccessScope) => {
      const readable = sql<string>`(${readableDocumentIds(scope, {}, { searchable: false })})`;
      const chunks = await db
        .selectFrom('document_chunks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('document_id', 'in', readable)
        .executeTakeFirstOrThrow();
      const vectors = await db
        .selectFrom('chunk_vectors')
        .innerJoin('document_chunks', 'document_chunks.seq', 'chunk_vectors.chunk_seq')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('document_chunks.document_id', 'in', readable)
        .executeTakeFirstOrThrow();
      return { chunks: Number(chunks.n), vectors: Number(vectors.n) };
    },
  };
}

async function insertVector(
  trx: Transaction<Database>,
  seq: number,
  documentId: string,
  vector: Float32Array,
) {
  await trx
    .insertInto('chunk_vectors')
    .values({ chunk_seq: seq, embedding: vectorToBlob(vector) })
    .execute();
  await trx
    .insertInto('chunk_vector_bits')
    .values({ chunk_seq: seq, document_id: documentId, bits: signBits(vector) })
    .execute();
}

async function deleteVectors(trx: Transaction<Database>, documentId: string) {
  await trx.deleteFrom('chunk_vector_bits').where('document_id', '=', documentId).execute();
  await sql`DELETE FROM chunk_vectors WHERE chunk_seq IN
    (SELECT seq FROM document_chunks WHERE document_id = ${documentId})`.execute(trx);
}

async function deleteChunks(trx: Transaction<Database>, documentId: string) {
  await deleteVectors(trx, documentId);
  await sql`DELETE FROM chunk_fts WHERE rowid IN
    (SELECT seq FROM document_chunks WHERE document_id = ${documentId})`.execute(trx);
  await trx.deleteFrom('document_chunks').where('document_id', '=', documentId).execute();
}

/** The retrieval index's shape. */
export type RetrievalIndex = ReturnType<typeof createSqliteRetrievalIndex>;
