import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/db/database.js';
import * as m1 from '../../src/db/migrations/0001-initial.js';
import * as m2 from '../../src/db/migrations/0002-model-downloads.js';
import * as m3 from '../../src/db/migrations/0003-workspaces.js';
import * as m4 from '../../src/db/migrations/0004-jobs.js';
import * as m5 from '../../src/db/migrations/0005-documents.js';
import * as m6 from '../../src/db/migrations/0006-message-stats.js';

// Migration 0007 on a database as the old code left it: personal workspaces found by name, one of
// them renamed into another user's name (the takeover of issue #9), one squatted by a manager.
const dir = mkdtempSync(path.join(tmpdir(), 'privatestack-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const OLD_DESCRIPTION = 'Documents only you can search, until you share the workspace.';
const NOW = '2026-01-01T00:00:00.000Z';

async function databaseAt0006(file: string): Promise<void> {
  const migrations: Record<string, Migration> = {
    '0001-initial': m1,
    '0002-model-downloads': m2,
    '0003-workspaces': m3,
    '0004-jobs': m4,
    '0005-documents': m5,
    '0006-message-stats': m6,
  };
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  }).migrateToLatest();
  await db.destroy();
  if (error) throw error;
}

function seed(file: string): void {
  const sqlite = new SQLite(file);
  sqlite.pragma('foreign_keys = ON');
  const user = sqlite.prepare(
    `INSERT INTO users (id, email, username, password_hash, role, created_at, updated_at)
     VALUES (?, ?, ?, 'x', ?, '${NOW}', '${NOW}')`,
  );
  for (const [id, role] of [
    ['alice', 'user'],
    ['bob', 'user'],
    ['carol', 'user'],
    ['mgr', 'manager'],
  ])
    user.run(id, `${id}@example.test`, id, role);
  const workspace = sqlite.prepare(
    `INSERT INTO workspaces (id, name, description, status, created_by, created_at, updated_at)
     VALUES (?, ?, ?, 'active', ?, ?, '${NOW}')`,
  );
  const member = sqlite.prepare(
    `INSERT INTO workspace_members (workspace_id, user_id, role, added_at) VALUES (?, ?, ?, '${NOW}')`,
  );
  workspace.run('w-alice', 'alice (personal)', OLD_DESCRIPTION, 'alice', NOW);
  member.run('w-alice', 'alice', 'owner');
  // carol renamed her personal workspace to bob's name and made bob an owner.
  workspace.run('w-carol', 'bob (personal)', OLD_DESCRIPTION, 'carol', NOW);
  member.run('w-carol', 'carol', 'reader'); // the hijacker demoted themselves
  member.run('w-carol', 'bob', 'owner');
  // A manager's shared workspace whose name imitates a personal one.
  workspace.run('w-squat', 'carol (personal)', 'Team space', 'mgr', NOW);
  member.run('w-squat', 'mgr', 'owner');
  sqlite
    .prepare(
      `INSERT INTO documents (id, workspace_id, uploaded_by, original_filename, stored_name, kind, mime_type,
         size_bytes, sha256, visibility, metadata, status, chunk_count, uploaded_at, updated_at)
       VALUES ('doc-1', 'w-carol', 'bob', 'a.txt', 'doc-1.txt', 'text', 'text/plain', 1, 'h', 'workspace', '{}',
         'UPLOADED', 0, '${NOW}', '${NOW}')`,
    )
    .run();
  sqlite.close();
}

describe('migration 0007 (personal workspaces by owner id)', () => {
  it('links personal workspaces to their creators, flags renamed ones, and loses no member or document', async () => {
    const file = path.join(dir, 'old.db');
    await databaseAt0006(file);
    seed(file);
    const handle = await openSqliteDatabase(file);
    const rows = await handle.db
      .selectFrom('workspaces')
      .select(['id', 'name', 'personal_owner_id', 'needs_review'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'w-alice', name: 'alice (personal)', personal_owner_id: 'alice', needs_review: 0 },
      { id: 'w-carol', name: 'bob (personal)', personal_owner_id: 'carol', needs_review: 1 },
      { id: 'w-squat', name: 'carol (personal)', personal_owner_id: null, needs_review: 0 },
    ]);
    // Rebuilding the table must not cascade: every membership and document is still there.
    expect(await handle.db.selectFrom('workspace_members').select('workspace_id').execute()).toHaveLength(4);
    // A personal workspace's own user is its owner again.
    const carol = await handle.db
      .selectFrom('workspace_members')
      .select('role')
      .where('workspace_id', '=', 'w-carol')
      .where('user_id', '=', 'carol')
      .executeTakeFirstOrThrow();
    expect(carol.role).toBe('owner');
    expect(await handle.db.selectFrom('documents').select('id').execute()).toEqual([{ id: 'doc-1' }]);
    // Names: shared ones stay unique; personal ones do not take part.
    const insert = (id: string, name: string, personal: string | null) =>
      handle.db
        .insertInto('workspaces')
        .values({ id, name, status: 'active', created_at: NOW, updated_at: NOW, personal_owner_id: personal })
        .execute();
    await expect(insert('w-dup', 'carol (personal)', null)).rejects.toThrow(/UNIQUE/);
    await expect(insert('w-bob', 'bob (personal)', 'bob')).resolves.toBeDefined();
    await expect(insert('w-bob-2', 'bob 2', 'bob')).rejects.toThrow(/UNIQUE/); // one per user
    const violations = await handle.db.selectFrom('workspaces').select('id').execute();
    expect(violations).toHaveLength(4);
    await handle.close();
  });
});
