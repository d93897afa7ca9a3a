import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../../db/tables.js';

/** A stored API key (hash only). */
export type ApiKeyRow = Selectable<ApiKeysTable>;

/** Typed SQL for API keys. */
export function createApiKeyRepository(db: Kysely<Database>) {
  return {
    /** Inserts a key row. */
    insert: async (row: ApiKeyRow) => {
      await db.insertInto('api_keys').values(row).execute();
    },
    /** A user's keys, newest first. */
    listForUser: (userId: string) =>
      db
        .selectFrom('api_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute(),
    /** A usable key (not revoked, not expired) and its enabled owner, by the key's hash. */
    findUsableWithUser: (keyHash: string, nowIso: string) =>
      db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .selectAll('users')
        .select(['api_keys.id as api_key_id'])
        .where('api_keys.key_hash', '=', keyHash)
        .where('api_keys.revoked_at', 'is', null)
        .where((eb) => eb.or([eb('api_keys.expires_at', 'is', null), eb('api_keys.expires_at', '>', nowIso)]))
        .executeTakeFirst(),
    /** Marks a key used. */
    touch: async (id: string, nowIso: string) => {
      await db.updateTable('api_keys').set({ last_used_at: nowIso }).where('id', '=', id).execute();
    },
    /** Revokes every key of a user (after an administrator resets a possibly compromised account). */
    revokeAllForUser: async (userId: string, nowIso: string) => {
      await db
        .updateTable('api_keys')
        .set({ revoked_at: nowIso })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
    },
    /** Revokes a key owned by `userId`; false when no such key. */
    revoke: async (id: string, userId: string, nowIso: string) => {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: nowIso })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

/** The API key repository's shape. */
export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
