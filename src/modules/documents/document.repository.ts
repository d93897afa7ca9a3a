import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, DocumentsTable, DocumentStatus } from '../../db/tables.js';
import { readableDocumentIds, type AccessScope } from '../retrieval/access-scope.js';

/** A stored document (without its extracted text unless asked for). */
export type DocumentRow = Selectable<DocumentsTable>;

/** Listing filters. */
export interface DocumentListFilter {
  readonly status?: DocumentStatus;
  readonly workspaceId?: string;
  readonly offset: number;
  readonly limit: number;
}

const SUMMARY_COLUMNS = [
  'id',
  'workspace_id',
  'uploaded_by',
  'original_filename',
  'stored_name',
  'kind',
  'mime_type',
  'size_bytes',
  'sha256',
  'visibility',
  'metadata',
  'status',
  'error',
  'title',
  'page_count',
  'chunk_count',
  'embedding_model',
  'uploaded_at',
  'processed_at',
  'updated_at',
] as const;

/** A document row without `content`. */
export type DocumentSummary = Omit<DocumentRow, 'content'>;

/** Typed SQL for documents; every read for a user goes through the same visibility rule as search. */
export function createDocumentRepository(db: Kysely<Database>) {
  return {
    /** Stores a new document row. */
    insert: async (row: DocumentRow) => {
      await db.insertInto('documents').values(row).execute();
    },
    /** A document the scope may read (any status), or undefined — also for ids that do not exist. */
    findReadable: (scope: AccessScope, id: string, withContent = false) =>
      db
        .selectFrom('documents')
        .select(withContent ? [...SUMMARY_COLUMNS, 'content'] : [...SUMMARY_COLUMNS])
        .where('id', '=', id)
        .where(
          sql<boolean>`id IN (${readableDocumentIds(scope, { documentIds: [id] }, { searchable: false })})`,
        )
        .executeTakeFirst() as Promise<(DocumentSummary & { content?: string | null }) | undefined>,
    /** A document by id, for the ingestion worker. */
    findById: (id: string) => db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst(),
    /** One page of the documents the scope may read, newest first, with the total. */
    listReadable: async (scope: AccessScope, filter: DocumentListFilter) => {
      let query = db
        .selectFrom('documents as d')
        .where(sql<boolean>`d.id IN (${readableDocumentIds(scope, {}, { searchable: false })})`);
      if (filter.status) query = query.where('d.status', '=', filter.status);
      if (filter.workspaceId) query = query.where('d.workspace_id', '=', filter.workspaceId);
      const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await query
        .select(SUMMARY_COLUMNS.map((column) => `d.${column}` as const))
        .orderBy('d.uploaded_at', 'desc')
        .orderBy('d.id')
        .offset(filter.offset)
        .limit(filter.limit)
        .execute();
      return { total: Number(total.n), rows: rows as DocumentSummary[] };
    },
    /** Moves a document to a new status (and error), returning whether it existed. */
    setStatus: async (id: string, status: DocumentStatus, error: string | null, now: string) =>
      Number(
        (
          await db
            .updateTable('documents')
            .set({ status, error, updated_at: now })
            .where('id', '=', id)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) > 0,
    /** Records a finished extraction (inside the indexing transaction). */
    markProcessed: async (
      trx: Transaction<Database>,
      id: string,
      result: Pick<DocumentRow, 'title' | 'content' | 'page_count' | 'chunk_count' | 'embedding_model'>,
      now: string,
    ) => {
      await trx
        .updateTable('documents')
        .set({ ...result, status: 'PROCESSED', error: null, processed_at: now, updated_at: now })
        .where('id', '=', id)
        .execute();
    },
    /** Ids of documents that still need their text indexed (queued or interrupted). */
    unfinishedIds: async () =>
      (
        await db
          .selectFrom('documents')
          .select('id')
          .where('status', 'in', ['UPLOADED', 'PROCESSING'])
          .execute()
      ).map((row) => row.id),
    /** Ids of processed documents whose vectors came from another model (or none). */
    idsNeedingEmbedding: async (modelId: string) =>
      (
        await db
          .selectFrom('documents')
          .select('id')
          .where('status', '=', 'PROCESSED')
          .where('chunk_count', '>', 0)
          .where((eb) => eb.or([eb('embedding_model', 'is', null), eb('embedding_model', '!=', modelId)]))
          .execute()
      ).map((row) => row.id),
    /** Deletes the document row (chunks and index entries must be removed in the same transaction). */
    delete: async (trx: Transaction<Database>, id: string) => {
      await trx.deleteFrom('documents').where('id', '=', id).execute();
    },
    /** Counts by status, for health and config. */
    countsByStatus: async (scope: AccessScope) => {
      const rows = await db
        .selectFrom('documents')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('id', 'in', sql<string>`(${readableDocumentIds(scope, {}, { searchable: false })})`)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)])) as Partial<
        Record<DocumentStatus, number>
      >;
    },
    /** Records which embedding model produced a document's vectors. */
    setEmbeddingModel: async (trx: Transaction<Database>, id: string, model: string | null) => {
      await trx.updateTable('documents').set({ embedding_model: model }).where('id', '=', id).execute();
    },
  };
}

/** The document repository's shape. */
export type DocumentRepository = ReturnType<typeof createDocumentRepository>;
