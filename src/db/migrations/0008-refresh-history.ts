import { sql, type Kysely } from 'kysely';

/**
 * Every refresh token a session has rotated away from (only its hash). Presenting any of them again
 * means a copy was taken, so the whole session ends — not only for the one just before the current
 * token, which is all `auth_sessions.previous_refresh_hash` could recognise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('auth_refresh_history')
    .addColumn('session_id', 'varchar(36)', (column) =>
      column.notNull().references('auth_sessions.id').onDelete('cascade'),
    )
    .addColumn('token_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('superseded_at', 'varchar(32)', (column) => column.notNull())
    .addPrimaryKeyConstraint('auth_refresh_history_pk', ['session_id', 'token_hash'])
    .execute();
  // Sessions rotated before this migration keep the one superseded token they remembered.
  await sql`
    insert into auth_refresh_history (session_id, token_hash, superseded_at)
    select id, previous_refresh_hash, last_used_at from auth_sessions
    where previous_refresh_hash is not null
  `.execute(db);
}

/** Drops the history. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('auth_refresh_history').execute();
}
