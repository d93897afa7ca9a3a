import type { Kysely } from 'kysely';

/**
 * The catalogue id a download was started by (null for a pull by URL): a retry resolves that id in
 * the catalogue as configured then (MODEL_HUB_URL, MODEL_CATALOG_FILE), not the URL stored at the
 * first attempt, so moving to a mirror fixes a failed pull. Rows from before stay null (retried by URL).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('model_downloads').addColumn('catalog_id', 'varchar(200)').execute();
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('model_downloads').dropColumn('catalog_id').execute();
}
