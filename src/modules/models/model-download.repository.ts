import type { Kysely, Selectable } from 'kysely';
import type { Database, ModelDownloadsTable } from '../../db/tables.js';

/** A stored download. */
export type ModelDownloadRow = Selectable<ModelDownloadsTable>;

/** What a retry fetches: the stored values, or those its catalogue id resolves to now. */
export type RetrySource = Pick<ModelDownloadRow, 'url' | 'file_name' | 'expected_sha256' | 'bytes_total'>;

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
    /** Recent downloads an administrator has not dismissed, newest first. */
    list: () =>
      db
        .selectFrom('model_downloads')
        .selectAll()
        .where('dismissed_at', 'is', null)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute(),
    /**
     * Puts a failed download back to running, only if it is still failed: of two retries at the same
     * moment (two tabs, two replicas) exactly one wins. Returns whether this one did. `source` is what
     * the retry fetches now (a catalogue id resolves to the current hub's URL and pin).
     */
    restart: async (id: string, nowIso: string, source: RetrySource) => {
      const result = await db
        .updateTable('model_downloads')
        .set({ ...source, status: 'downloading', error: null, dismissed_at: null, updated_at: nowIso })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Hides a finished download from the list; a running one stays. Returns whether it was hidden. */
    dismiss: async (id: string, nowIso: string) => {
      const result = await db
        .updateTable('model_downloads')
        .set({ dismissed_at: nowIso })
        .where('id', '=', id)
        .where('status', '<>', 'downloading')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
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
