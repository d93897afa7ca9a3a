import type { Kysely, Selectable } from 'kysely';
import type { Database, PromptsTable } from '../../db/tables.js';

/** A stored system prompt. */
export type PromptRow = Selectable<PromptsTable>;

/** Typed SQL for the system-prompt library. */
export function createPromptRepository(db: Kysely<Database>) {
  return {
    /** All prompts, active first, then by name. */
    list: () => db.selectFrom('prompts').selectAll().orderBy('is_active', 'desc').orderBy('name').execute(),
    /** One prompt. */
    findById: (id: string) => db.selectFrom('prompts').selectAll().where('id', '=', id).executeTakeFirst(),
    /** The active prompt, if any. */
    findActive: () => db.selectFrom('prompts').selectAll().where('is_active', '=', 1).executeTakeFirst(),
    /** Inserts a prompt. */
    insert: async (row: PromptRow) => {
      await db.insertInto('prompts').values(row).execute();
      return row;
    },
    /** Updates a prompt's text fields. */
    update: (
      id: string,
      changes: Partial<Pick<PromptRow, 'name' | 'content' | 'description' | 'updated_at'>>,
    ) => db.updateTable('prompts').set(changes).where('id', '=', id).returningAll().executeTakeFirst(),
    /** Deletes a prompt; false when absent. */
    delete: async (id: string) =>
      Number((await db.deleteFrom('prompts').where('id', '=', id).executeTakeFirst()).numDeletedRows) === 1,
    /** Makes exactly one prompt active, atomically. */
    activate: (id: string, nowIso: string) =>
      db.transaction().execute(async (trx) => {
        await trx.updateTable('prompts').set({ is_active: 0 }).where('is_active', '=', 1).execute();
        return trx
          .updateTable('prompts')
          .set({ is_active: 1, updated_at: nowIso })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
      }),
    /** How many prompts exist. */
    count: async () =>
      Number(
        (
          await db
            .selectFrom('prompts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
  };
}

/** The prompt repository's shape. */
export type PromptRepository = ReturnType<typeof createPromptRepository>;
