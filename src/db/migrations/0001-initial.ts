import type { Kysely } from 'kysely';

/** Accounts, sessions, API keys, prompts, conversations, messages, models, settings. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('email', 'varchar(320)', (column) => column.notNull().unique())
    .addColumn('username', 'varchar(64)', (column) => column.notNull().unique())
    .addColumn('display_name', 'varchar(200)')
    .addColumn('password_hash', 'text', (column) => column.notNull())
    .addColumn('role', 'varchar(16)', (column) => column.notNull())
    .addColumn('disabled', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('must_change_password', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('last_login_at', 'varchar(32)')
    .execute();

  await db.schema
    .createTable('auth_sessions')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('user_id', 'varchar(36)', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('refresh_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('previous_refresh_hash', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('expires_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('last_used_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('user_agent', 'varchar(512)')
    .addColumn('ip', 'varchar(64)')
    .execute();
  await db.schema.createIndex('auth_sessions_user').on('auth_sessions').column('user_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('user_id', 'varchar(36)', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(200)', (column) => column.notNull())
    .addColumn('prefix', 'varchar(32)', (column) => column.notNull())
    .addColumn('key_hash', 'varchar(64)', (column) => column.notNull().unique())
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('last_used_at', 'varchar(32)')
    .addColumn('revoked_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();

  await db.schema
    .createTable('prompts')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('name', 'varchar(200)', (column) => column.notNull())
    .addColumn('content', 'text', (column) => column.notNull())
    .addColumn('description', 'text')
    .addColumn('is_active', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_by', 'varchar(36)', (column) => column.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('user_id', 'varchar(36)', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('title', 'varchar(300)', (column) => column.notNull())
    .addColumn('prompt_id', 'varchar(36)', (column) => column.references('prompts.id').onDelete('set null'))
    .addColumn('system_prompt', 'text')
    .addColumn('model', 'varchar(200)')
    .addColumn('status', 'varchar(16)', (column) => column.notNull().defaultTo('ACTIVE'))
    .addColumn('message_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('conversations_user_updated')
    .on('conversations')
    .columns(['user_id', 'updated_at'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('conversation_id', 'varchar(36)', (column) =>
      column.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (column) => column.notNull())
    .addColumn('role', 'varchar(16)', (column) => column.notNull())
    .addColumn('content', 'text', (column) => column.notNull())
    .addColumn('reasoning', 'text')
    .addColumn('status', 'varchar(16)', (column) => column.notNull().defaultTo('complete'))
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('latency_ms', 'integer')
    .addColumn('time_to_first_token_ms', 'integer')
    .addColumn('model', 'varchar(200)')
    .addColumn('sources', 'text')
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
    .execute();

  await db.schema
    .createTable('models')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('name', 'varchar(200)', (column) => column.notNull().unique())
    .addColumn('file_path', 'text', (column) => column.notNull())
    .addColumn('source_url', 'text')
    .addColumn('sha256', 'varchar(64)')
    .addColumn('size_bytes', 'bigint')
    .addColumn('kind', 'varchar(16)', (column) => column.notNull().defaultTo('chat'))
    .addColumn('is_active', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'varchar(100)', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .execute();
}

/** Drops everything 0001 created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'settings',
    'models',
    'messages',
    'conversations',
    'prompts',
    'api_keys',
    'auth_sessions',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
