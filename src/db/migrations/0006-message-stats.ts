import type { Kysely } from 'kysely';

/**
 * Answers by time: the admin dashboard (refreshed every 15 s) reads the assistant messages of a time
 * window, which without this index is a scan of every message ever stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('messages_role_created')
    .on('messages')
    .columns(['role', 'created_at'])
    .execute();
}

/** Drops the index. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_role_created').execute();
}
