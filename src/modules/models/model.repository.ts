import type { Kysely, Selectable } from 'kysely';
import type { Database, ModelsTable } from '../../db/tables.js';

/** A registered model file. */
export type ModelRow = Selectable<ModelsTable>;

/** Typed SQL for the model registry. */
export function createModelRepository(db: Kysely<Database>) {
  return {
    /** All registered models, by name. */
    list: () => db.selectFrom('models').selectAll().orderBy('name').execute(),
    /** A model by id or by name. */
    find: (idOrName: string) =>
      db
        .selectFrom('models')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
        .executeTakeFirst(),
    /** The active chat model. */
    findActive: () =>
      db
        .selectFrom('models')
        .selectAll()
        .where('is_active', '=', 1)
        .where('kind', '=', 'chat')
        .executeTakeFirst(),
    /** Inserts or replaces a model by name. */
    upsert: async (row: ModelRow) => {
      await db
        .insertInto('models')
        .values(row)
        .onConflict((conflict) =>
          conflict.column('name').doUpdateSet({
            file_path: row.file_path,
            source_url: row.source_url,
            sha256: row.sha256,
            size_bytes: row.size_bytes,
            kind: row.kind,
          }),
        )
        .execute();
      return (await db.selectFrom('models').selectAll().where('name', '=', row.name).executeTakeFirst())!;
    },
    /** Marks exactly one chat model active. */
    activate: (id: string) =>
      db.transaction().execute(async (trx) => {
        await trx.updateTable('models').set({ is_active: 0 }).where('kind', '=', 'chat').execute();
        await trx.updateTable('models').set({ is_active: 1 }).where('id', '=', id).execute();
      }),
    /** Removes a model row. */
    delete: async (id: string) => {
      await db.deleteFrom('models').where('id', '=', id).execute();
    },
  };
}

/** The model repository's shape. */
export type ModelRepository = ReturnType<typeof createModelRepository>;
