import { sql, type Kysely } from 'kysely';

/** The description the upload path gave every personal workspace it created (before 0007). */
const PERSONAL_DESCRIPTION = 'Documents only you can search, until you share the workspace.';

/**
 * Personal workspaces belong to a user by id, no longer by name (issue #9: a renamed workspace
 * captured another user's uploads). Adds `personal_owner_id` (unique) and `needs_review`, links each
 * existing personal workspace to its creator, flags the ones whose name no longer matches the
 * creator, and replaces the unique name column by a unique index over shared workspaces only, so a
 * personal workspace's name never blocks anyone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await rebuildWithoutNameConstraint(db);
  await db.schema
    .createIndex('workspaces_personal_owner')
    .on('workspaces')
    .column('personal_owner_id')
    .unique()
    .execute();
  await linkPersonalWorkspaces(db);
  // Shared workspaces keep unique names; personal ones take no part (a partial index, in both
  // SQLite and PostgreSQL).
  await db.schema
    .createIndex('workspaces_shared_name')
    .on('workspaces')
    .column('name')
    .unique()
    .where(sql.ref('personal_owner_id'), 'is', null)
    .execute();
}

/**
 * SQLite cannot drop a column's UNIQUE constraint: the table is rebuilt (the documented 12-step
 * procedure), with foreign keys off so dropping the old table does not cascade to members and
 * documents. Kysely runs SQLite migrations outside a transaction, which the pragma requires.
 */
async function rebuildWithoutNameConstraint(db: Kysely<unknown>): Promise<void> {
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.schema
      .createTable('workspaces_rebuilt')
      .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
      .addColumn('name', 'varchar(200)', (column) => column.notNull())
      .addColumn('description', 'text')
      .addColumn('status', 'varchar(16)', (column) => column.notNull().defaultTo('active'))
      .addColumn('created_by', 'varchar(36)', (column) => column.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
      .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
      .addColumn('personal_owner_id', 'varchar(36)', (column) =>
        column.references('users.id').onDelete('cascade'),
      )
      .addColumn('needs_review', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    await sql`INSERT INTO workspaces_rebuilt (id, name, description, status, created_by, created_at, updated_at)
      SELECT id, name, description, status, created_by, created_at, updated_at FROM workspaces`.execute(db);
    await db.schema.dropTable('workspaces').execute();
    await db.schema.alterTable('workspaces_rebuilt').renameTo('workspaces').execute();
    const { rows } = await sql<{ table: string }>`PRAGMA foreign_key_check`.execute(db);
    if (rows.length > 0) throw new Error(`foreign key check failed after rebuilding workspaces`);
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

/**
 * A workspace is personal when the upload path made it: named "<creator> (personal)", or still
 * carrying the personal description. One per creator (the one whose name matches, else the oldest)
 * is linked; any candidate whose name no longer matches its creator is flagged for an admin.
 */
async function linkPersonalWorkspaces(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; name: string; creator: string; username: string }>`
    SELECT w.id, w.name, w.created_by AS creator, u.username
    FROM workspaces w JOIN users u ON u.id = w.created_by
    WHERE w.name = u.username || ' (personal)' OR w.description = ${PERSONAL_DESCRIPTION}
    ORDER BY w.created_at, w.id`.execute(db);
  const linked = new Set<string>();
  const exact = new Set(rows.filter((row) => row.name === `${row.username} (personal)`).map((row) => row.id));
  const ordered = [...rows.filter((row) => exact.has(row.id)), ...rows.filter((row) => !exact.has(row.id))];
  for (const row of ordered) {
    const matches = exact.has(row.id);
    if (!linked.has(row.creator)) {
      linked.add(row.creator);
      await sql`UPDATE workspaces SET personal_owner_id = ${row.creator}, needs_review = ${matches ? 0 : 1}
        WHERE id = ${row.id}`.execute(db);
      // Its user owns it, whatever a takeover did to the memberships.
      await sql`INSERT INTO workspace_members (workspace_id, user_id, role, added_at)
        VALUES (${row.id}, ${row.creator}, 'owner', ${new Date().toISOString()})
        ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = 'owner'`.execute(db);
    } else if (!matches) {
      await sql`UPDATE workspaces SET needs_review = 1 WHERE id = ${row.id}`.execute(db);
    }
  }
}

/** Drops the personal columns (the unique name constraint is not restored: names may now repeat). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('workspaces_shared_name').execute();
  await db.schema.dropIndex('workspaces_personal_owner').execute();
  await db.schema.alterTable('workspaces').dropColumn('needs_review').execute();
  await db.schema.alterTable('workspaces').dropColumn('personal_owner_id').execute();
}
