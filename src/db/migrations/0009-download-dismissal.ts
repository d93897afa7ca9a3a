import type { Kysely } from 'kysely';

/**
 * When an administrator dismissed a finished download (a failed pull's notice): the row stays for
 * the record, but the downloads list leaves it out, so the notice does not come back on reload.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('model_downloads').addColumn('dismissed_at', 'varchar(32)').execute();
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('model_downloads').dropColumn('dismissed_at').execute();
}
