import type { Kysely, Selectable } from 'kysely';
import type { AuthSessionsTable, Database } from '../../db/tables.js';

/** A stored login session. */
export type AuthSessionRow = Selectable<AuthSessionsTable>;

/** Typed SQL for login sessions (refresh-token families). */
export function createAuthSessionRepository(db: Kysely<Database>) {
  return {
    /** Inserts a new session. */
    insert: async (row: AuthSessionRow) => {
      await db.insertInto('auth_sessions').values(row).execute();
    },
    /** Finds a session by id. */
    findById: (id: string) =>
      db.selectFrom('auth_sessions').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Loads a live session together with its user in one query (used on every authenticated request). */
    findActiveWithUser: (sessionId: string, nowIso: string) =>
      db
        .selectFrom('auth_sessions')
        .innerJoin('users', 'users.id', 'auth_sessions.user_id')
        .selectAll('users')
        .where('auth_sessions.id', '=', sessionId)
        .where('auth_sessions.revoked_at', 'is', null)
        .where('auth_sessions.expires_at', '>', nowIso)
        .executeTakeFirst(),
    /**
     * Replaces the refresh hash only if it still equals `expectedHash` (so two racing refreshes cannot
     * both win), and remembers the replaced hash as superseded, in one transaction.
     */
    rotate: (id: string, expectedHash: string, nextHash: string, nowIso: string) =>
      db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('auth_sessions')
          .set({ refresh_hash: nextHash, previous_refresh_hash: expectedHash, last_used_at: nowIso })
          .where('id', '=', id)
          .where('refresh_hash', '=', expectedHash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx
          .insertInto('auth_refresh_history')
          .values({ session_id: id, token_hash: expectedHash, superseded_at: nowIso })
          .execute();
        return true;
      }),
    /** True when `tokenHash` is a refresh token this session has already rotated away from. */
    wasSuperseded: async (sessionId: string, tokenHash: string) =>
      (await db
        .selectFrom('auth_refresh_history')
        .select('token_hash')
        .where('session_id', '=', sessionId)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst()) !== undefined,
    /** Revokes one session. */
    revoke: async (id: string, nowIso: string) => {
      await db
        .updateTable('auth_sessions')
        .set({ revoked_at: nowIso })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    /** Revokes every session of a user, optionally keeping one. */
    revokeAllForUser: async (userId: string, nowIso: string, exceptSessionId?: string) => {
      let query = db
        .updateTable('auth_sessions')
        .set({ revoked_at: nowIso })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
      await query.execute();
    },
  };
}

/** The session repository's shape. */
export type AuthSessionRepository = ReturnType<typeof createAuthSessionRepository>;
