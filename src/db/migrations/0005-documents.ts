import { sql, type Kysely } from 'kysely';

/**
 * Documents of the knowledge base, their chunks, and the retrieval indexes. `documents` and
 * `document_chunks` are portable; the keyword (FTS5) and vector tables are SQLite's, and a
 * PostgreSQL deployment creates its own (tsvector, pgvector) behind the same repository.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('workspace_id', 'varchar(36)', (column) =>
      column.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('uploaded_by', 'varchar(36)', (column) => column.references('users.id').onDelete('set null'))
    .addColumn('original_filename', 'varchar(255)', (column) => column.notNull())
    .addColumn('stored_name', 'varchar(64)', (column) => column.notNull().unique())
    .addColumn('kind', 'varchar(16)', (column) => column.notNull())
    .addColumn('mime_type', 'varchar(100)', (column) => column.notNull())
    .addColumn('size_bytes', 'integer', (column) => column.notNull())
    .addColumn('sha256', 'varchar(64)', (column) => column.notNull())
    .addColumn('visibility', 'varchar(16)', (column) => column.notNull().defaultTo('workspace'))
    .addColumn('metadata', 'text', (column) => column.notNull().defaultTo('{}'))
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('error', 'text')
    .addColumn('title', 'text')
    .addColumn('content', 'text')
    .addColumn('page_count', 'integer')
    .addColumn('chunk_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('embedding_model', 'varchar(200)')
    .addColumn('uploaded_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('processed_at', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('documents_workspace')
    .on('documents')
    .columns(['workspace_id', 'status'])
    .execute();
  await db.schema.createIndex('documents_uploaded').on('documents').column('uploaded_at').execute();

  await db.schema
    .createTable('document_chunks')
    .addColumn('seq', 'integer', (column) => column.primaryKey().autoIncrement())
    .addColumn('id', 'varchar(36)', (column) => column.notNull().unique())
    .addColumn('document_id', 'varchar(36)', (column) =>
      column.notNull().references('documents.id').onDelete('cascade'),
    )
    .addColumn('chunk_index', 'integer', (column) => column.notNull())
    .addColumn('content', 'text', (column) => column.notNull())
    .addColumn('heading', 'text')
    .addColumn('page', 'integer')
    .addColumn('page_end', 'integer')
    .addColumn('span_start', 'integer', (column) => column.notNull())
    .addColumn('span_end', 'integer', (column) => column.notNull())
    .addColumn('token_count', 'integer', (column) => column.notNull())
    .addColumn('metadata', 'text', (column) => column.notNull().defaultTo('{}'))
    .addUniqueConstraint('document_chunks_position', ['document_id', 'chunk_index'])
    .execute();

  // Keyword index: contentless FTS5 keyed by document_chunks.seq (the text lives once, in
  // document_chunks). Porter stemming over unicode61 with diacritics folded; Indonesian and English
  // stop words are dropped from queries in code (search-query.ts).
  // The document id is kept beside each entry (contentless_unindexed) so the permission filter runs on
  // the keyword matches without a join into the wide chunk rows.
  await sql`CREATE VIRTUAL TABLE chunk_fts USING fts5(
    title, body, document_id UNINDEXED, content='', contentless_delete=1, contentless_unindexed=1,
    tokenize='porter unicode61 remove_diacritics 2')`.execute(db);

  // Vectors: float32 for exact rescoring, and a 1-bit quantised copy (dimension/8 bytes) for the
  // fast first pass; kept apart so the scan reads only the small rows.
  await db.schema
    .createTable('chunk_vectors')
    .addColumn('chunk_seq', 'integer', (column) =>
      column.primaryKey().references('document_chunks.seq').onDelete('cascade'),
    )
    .addColumn('embedding', 'blob', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('chunk_vector_bits')
    .addColumn('chunk_seq', 'integer', (column) =>
      column.primaryKey().references('document_chunks.seq').onDelete('cascade'),
    )
    .addColumn('document_id', 'varchar(36)', (column) => column.notNull())
    .addColumn('bits', 'blob', (column) => column.notNull())
    .execute();
  // Covering indexes for the two permission-filtered scans: readable documents, and the sign bits of
  // their chunks (also what deleting a document's vectors looks up).
  await db.schema
    .createIndex('documents_access')
    .on('documents')
    .columns(['workspace_id', 'status', 'visibility', 'uploaded_by', 'id'])
    .execute();
  await db.schema
    .createIndex('chunk_vector_bits_document')
    .on('chunk_vector_bits')
    .columns(['document_id', 'bits'])
    .execute();
}

/** Drops the knowledge-base tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('chunk_vector_bits').execute();
  await db.schema.dropTable('chunk_vectors').execute();
  await sql`DROP TABLE chunk_fts`.execute(db);
  await db.schema.dropTable('document_chunks').execute();
  await db.schema.dropTable('documents').execute();
}
