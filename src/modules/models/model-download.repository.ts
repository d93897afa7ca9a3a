import type { Kysely, Selectable } from 'kysely';
import type { Database, ModelDownloadsTable } from '../../db/tables.js';

/** A stored download. */
export type ModelDownloadRow = Selectable<ModelDownloadsTable>;

/** Typed SQL for API-started model downloads. */
export function createModelDownloadRepository(db: Kysely<Database>) {
  return {
    /** Inserts a download. */
    insert: async (row: ModelDownloadRow) => {
      await db.insertInto('model_downloads').values(row).execute();
      return row;
    },
    /** One download. */
    findById: (id: string) =>
      db.selectFrom('model_downloads').selectAll().where('id', '=', id).executeTakeFirst(),
    /** A download of this file that is still running. */
    findRunning: (fileName: string) =>
      db
        .selectFrom('model_downloads')
        .selectAll()
        .where('file_name', '=', fileName)
        .where('status', '=', 'downloading')
        .executeTakeFirst(),
    /** Recent downloads, newest first. */
    list: () =>
      db.selectFrom('model_downloads').selectAll().orderBy('created_at', 'desc').limit(100).execute(),
    /** Updates progress or outcome. */
    update: async (id: string, changes: Partial<Omit<ModelDownloadRow, 'id' | 'created_at'>>) => {
      await db.updateTable('model_downloads').set(changes).where('id', '=', id).execute();
    },
    /** Marks every running download failed (after a restart nothing runs them any more). */
    failRunning: async (error: string, nowIso: string) => {
      await db
        .updateTable('model_downloads')
        .set({ status: 'failed', error, updated_at: nowIso })
        .where('status', '=', 'downloading')
        .execute();
    },
  };
}

/** The download repository's shape. */
export type ModelDownloadRepository = ReturnType<typeof createModelDownloadRepository>;
