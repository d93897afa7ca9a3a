import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../../db/tables.js';

/** A stored user row. */
export type UserRow = Selectable<UsersTable>;
/** The four roles, most to least privileged. */
export type Role = UsersTable['role'];

/** Typed SQL for users; nothing else touches the users table. */
export function createUserRepository(db: Kysely<Database>) {
  return {
    /** Finds a user by id. */
    findById: (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Finds a user by e-mail or username (both compared case-insensitively). */
    findByLogin: (login: string) => {
      const value = login.trim().toLowerCase();
      return db
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb.or([eb('email', '=', value), eb('username', '=', value)]))
        .executeTakeFirst();
    },

    /** Inserts a user row. */
    insert: async (row: UserRow) => {
      await db.insertInto('users').values(row).execute();
      return row;
    },

    /** Updates some columns of one user and returns the new row. */
    update: (id: string, changes: Partial<Omit<UserRow, 'id' | 'created_at'>>) =>
      db.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirst(),

    /** Counts all users. */
    count: async () => {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      return Number(row.total);
    },

    /** One page of users, with how many conversations each has. */
    listWithChatCounts: async (options: { offset: number; limit: number }) => {
      const rows = await db
        .selectFrom('users')
        .leftJoin('conversations', 'conversations.user_id', 'users.id')
        .selectAll('users')
        .select((eb) => eb.fn.count<number>('conversations.id').as('chat_count'))
        .groupBy('users.id')
        .orderBy('users.created_at', 'asc')
        .orderBy('users.id')
        .offset(options.offset)
        .limit(options.limit)
        .execute();
      return rows.map((row) => ({ ...row, chat_count: Number(row.chat_count) }));
    },

    /** Whether any admin account exists. */
    hasAdmin: async () =>
      (await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst()) !==
      undefined,
  };
}

/** The user repository's shape, for services that receive it. */
export type UserRepository = ReturnType<typeof createUserRepository>;
