import { sql, type Kysely } from 'kysely';

/**
 * Conversations keep their settings, and messages form a tree (issue 11):
 * - conversations: `rag_mode` and `rag_workspace_ids` (Knowledge setting, JSON array or null),
 *   `temperature` and `max_tokens` (Advanced, null = server default) and `active_message_id`, the
 *   last message of the branch the user sees (the model's history is the path to it).
 * - messages: `parent_id`, the message before it on its branch (null for a conversation's first),
 *   so an edited question or a regenerated answer is a sibling, never a replacement; and
 *   `finish_reason` of an answer (`stop`, `length`, `abort`, `error`; null for questions and for
 *   answers stored before this migration).
 * - message_feedback: one thumbs up or down per user and answer, with an optional comment.
 * Existing conversations become one branch in `seq` order, its last message active.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('conversations')
    .addColumn('rag_mode', 'varchar(16)', (column) => column.notNull().defaultTo('off'))
    .execute();
  await db.schema.alterTable('conversations').addColumn('rag_workspace_ids', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('temperature', 'double precision').execute();
  await db.schema.alterTable('conversations').addColumn('max_tokens', 'integer').execute();
  await db.schema.alterTable('conversations').addColumn('active_message_id', 'varchar(36)').execute();
  await db.schema.alterTable('messages').addColumn('parent_id', 'varchar(36)').execute();
  await db.schema.alterTable('messages').addColumn('finish_reason', 'varchar(16)').execute();
  await db.schema.createIndex('messages_parent_idx').on('messages').column('parent_id').execute();

  await sql`
    UPDATE messages SET parent_id = (
      SELECT earlier.id FROM messages earlier
      WHERE earlier.conversation_id = messages.conversation_id AND earlier.seq = messages.seq - 1
    )`.execute(db);
  await sql`
    UPDATE conversations SET active_message_id = (
      SELECT last.id FROM messages last
      WHERE last.conversation_id = conversations.id
      ORDER BY last.seq DESC LIMIT 1
    )`.execute(db);

  await db.schema
    .createTable('message_feedback')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('message_id', 'varchar(36)', (column) =>
      column.notNull().references('messages.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'varchar(36)', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('rating', 'varchar(8)', (column) => column.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .addUniqueConstraint('message_feedback_message_user_unique', ['message_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('message_feedback_created_idx')
    .on('message_feedback')
    .column('created_at')
    .execute();
}

/** Drops the feedback table and the new columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('message_feedback').execute();
  await db.schema.dropIndex('messages_parent_idx').execute();
  for (const column of ['finish_reason', 'parent_id'])
    await db.schema.alterTable('messages').dropColumn(column).execute();
  for (const column of ['active_message_id', 'max_tokens', 'temperature', 'rag_workspace_ids', 'rag_mode'])
    await db.schema.alterTable('conversations').dropColumn(column).execute();
}
