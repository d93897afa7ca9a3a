import type { Kysely } from 'kysely';

/** Workspaces (departments) and their members; documents will belong to one workspace. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
    .addColumn('name', 'varchar(200)', (column) => column.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('status', 'varchar(16)', (column) => column.notNull().defaultTo('active'))
    .addColumn('created_by', 'varchar(36)', (column) => column.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('workspace_members')
    .addColumn('workspace_id', 'varchar(36)', (column) =>
      column.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'varchar(36)', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('role', 'varchar(16)', (column) => column.notNull())
    .addColumn('added_at', 'varchar(32)', (column) => column.notNull())
    .addPrimaryKeyConstraint('workspace_members_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema.createIndex('workspace_members_user').on('workspace_members').column('user_id').execute();
}

/** Drops the workspace tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('workspace_members').execute();
  await db.schema.dropTable('workspaces').execute();
}
