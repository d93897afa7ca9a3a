import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { load as loadSqliteVec } from 'sqlite-vec';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as modelDownloads from './migrations/0002-model-downloads.js';
import * as workspaces from './migrations/0003-workspaces.js';
import * as jobs from './migrations/0004-jobs.js';
import * as documents from './migrations/0005-documents.js';
import * as messageStats from './migrations/0006-message-stats.js';
import * as personalWorkspaces from './migrations/0007-personal-workspaces.js';
import * as refreshHistory from './migrations/0008-refresh-history.js';
import * as downloadDismissal from './migrations/0009-download-dismissal.js';
import * as downloadCatalogId from './migrations/0010-download-catalog-id.js';
import * as conversationTree from './migrations/0011-conversation-tree.js';
import type { Database } from './tables.js';

/** Numbered migrations, applied in order at start. Add new ones here. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-model-downloads': modelDownloads,
  '0003-workspaces': workspaces,
  '0004-jobs': jobs,
  '0005-documents': documents,
  '0006-message-stats': messageStats,
  '0007-personal-workspaces': personalWorkspaces,
  '0008-refresh-history': refreshHistory,
  '0009-download-dismissal': downloadDismissal,
  '0010-download-catalog-id': downloadCatalogId,
  '0011-conversation-tree': conversationTree,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** A database handle plus the way to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/** Opens the SQLite file (WAL mode, foreign keys on) and applies pending migrations. */
export async function openSqliteDatabase(filePath: string): Promise<DatabaseHandle> {
  if (filePath !== ':memory:') {
    mkdirSync(path.dirname(filePath), { recursive: true });
    // The database holds password hashes and chats: owner-only. SQLite gives -wal/-shm the same mode.
    if (!existsSync(filePath)) writeFileSync(filePath, '', { mode: 0o600 });
  }
  const sqlite = new SQLite(filePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Vector distance and quantisation functions (vec_distance_hamming, vec_quantize_binary, ...).
  loadSqliteVec(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await withMigrationLock(filePath, () => migrate(db));
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** How long a process waits for another one's migrations to finish. */
const MIGRATION_LOCK_WAIT_MS = 120_000;

/**
 * Serialises migrations across processes: two CLI commands (or a CLI command and the server)
 * started at once on a fresh folder would otherwise both create the tables, and one would fail
 * with "table users already exists". Kysely's SQLite adapter takes no lock, and the migrations
 * cannot share one write transaction (0007 turns foreign keys off, which SQLite ignores inside a
 * transaction). The lock is a write transaction on a small sibling file, held while they run.
 */
async function withMigrationLock(filePath: string, run: () => Promise<void>): Promise<void> {
  if (filePath === ':memory:') return run();
  const lockPath = `${filePath}.migration-lock`;
  if (!existsSync(lockPath)) writeFileSync(lockPath, '', { mode: 0o600, flag: 'a' });
  const lock = new SQLite(lockPath, { timeout: MIGRATION_LOCK_WAIT_MS });
  try {
    lock.exec('BEGIN IMMEDIATE');
    try {
      await run();
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `Database migration ${failed} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      {
        cause: error,
      },
    );
  }
}
