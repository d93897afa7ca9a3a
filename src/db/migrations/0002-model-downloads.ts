import type { Kysely } from 'kysely';

/** Model downloads started over the API, with progress, so any replica (and the admin UI) can follow them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('model_downloads')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('name', 'varchar(200)', (column) => column.notNull())
    .addColumn('url', 'text', (column) => column.notNull())
    .addColumn('file_name', 'varchar(255)', (column) => column.notNull())
    .addColumn('expected_sha256', 'varchar(64)')
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('bytes_done', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('bytes_total', 'bigint')
    .addColumn('error', 'text')
    .addColumn('model_id', 'varchar(36)')
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('model_downloads_status').on('model_downloads').column('status').execute();
}

/** Drops the downloads table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('model_downloads').execute();
}
