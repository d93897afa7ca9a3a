import type { Kysely, Selectable } from 'kysely';
import type { Database, WorkspaceMembersTable, WorkspacesTable } from '../../db/tables.js';

/** A stored workspace. */
export type WorkspaceRow = Selectable<WorkspacesTable>;
/** A workspace role. */
export type WorkspaceRole = WorkspaceMembersTable['role'];

/** Typed SQL for workspaces and memberships. */
export function createWorkspaceRepository(db: Kysely<Database>) {
  const withCounts = () =>
    db
      .selectFrom('workspaces')
      .selectAll('workspaces')
      .select((eb) =>
        eb
          .selectFrom('workspace_members')
          .whereRef('workspace_members.workspace_id', '=', 'workspaces.id')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .as('member_count'),
      );

  return {
    /** Inserts a workspace and its first owner atomically. */
    insertWithOwner: (row: WorkspaceRow, ownerId: string) =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('workspaces').values(row).execute();
        await trx
          .insertInto('workspace_members')
          .values({ workspace_id: row.id, user_id: ownerId, role: 'owner', added_at: row.created_at })
          .execute();
        return row;
      }),
    /** A workspace by id, with its member count. */
    findById: (id: string) => withCounts().where('workspaces.id', '=', id).executeTakeFirst(),
    /** A shared workspace by name (personal workspaces take no part in names). */
    findSharedByName: (name: string) =>
      db
        .selectFrom('workspaces')
        .selectAll()
        .where('name', '=', name)
        .where('personal_owner_id', 'is', null)
        .executeTakeFirst(),
    /** A user's personal workspace, found by the owner's id, never by name. */
    findPersonal: (userId: string) =>
      db.selectFrom('workspaces').selectAll().where('personal_owner_id', '=', userId).executeTakeFirst(),
    /** Every workspace (admin view). */
    listAll: () => withCounts().orderBy('workspaces.name').execute(),
    /** The workspaces a user belongs to, with the user's role. */
    listForMember: (userId: string) =>
      withCounts()
        .innerJoin('workspace_members as mine', 'mine.workspace_id', 'workspaces.id')
        .select('mine.role as my_role')
        .where('mine.user_id', '=', userId)
        .orderBy('workspaces.name')
        .execute(),
    /** Updates name, description or status. */
    update: async (
      id: string,
      changes: Partial<Pick<WorkspaceRow, 'name' | 'description' | 'status' | 'needs_review' | 'updated_at'>>,
    ) => {
      await db.updateTable('workspaces').set(changes).where('id', '=', id).execute();
    },
    /** A user's role in a workspace, if any. */
    roleOf: async (workspaceId: string, userId: string): Promise<WorkspaceRole | undefined> =>
      (
        await db
          .selectFrom('workspace_members')
          .select('role')
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', userId)
          .executeTakeFirst()
      )?.role,
    /** Members with their account names. */
    members: (workspaceId: string) =>
      db
        .selectFrom('workspace_members')
        .innerJoin('users', 'users.id', 'workspace_members.user_id')
        .select([
          'users.id as user_id',
          'users.username',
          'users.email',
          'workspace_members.role',
          'workspace_members.added_at',
        ])
        .where('workspace_members.workspace_id', '=', workspaceId)
        .orderBy('users.username')
        .execute(),
    /** Adds a member or changes their role. */
    upsertMember: async (workspaceId: string, userId: string, role: WorkspaceRole, nowIso: string) => {
      await db
        .insertInto('workspace_members')
        .values({ workspace_id: workspaceId, user_id: userId, role, added_at: nowIso })
        .onConflict((conflict) => conflict.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
        .execute();
    },
    /** Removes a member; false when they were not one. */
    removeMember: async (workspaceId: string, userId: string) =>
      Number(
        (
          await db
            .deleteFrom('workspace_members')
            .where('workspace_id', '=', workspaceId)
            .where('user_id', '=', userId)
            .executeTakeFirst()
        ).numDeletedRows,
      ) === 1,
    /** How many owners a workspace has. */
    ownerCount: async (workspaceId: string) =>
      Number(
        (
          await db
            .selectFrom('workspace_members')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('workspace_id', '=', workspaceId)
            .where('role', '=', 'owner')
            .executeTakeFirstOrThrow()
        ).n,
      ),
  };
}

/** The workspace repository's shape. */
export type WorkspaceRepository = ReturnType<typeof createWorkspaceRepository>;
