import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

// A CI run failed when two `npx privatestack` commands started at once on a fresh data folder: both
// created the tables ("table users already exists"), then both created the first admin. First-run
// setup must be safe when several processes (CLI commands, the server) start together.
const run = promisify(execFile);
const folders: string[] = [];

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** This process's environment without settings that would skip the first-run generation. */
function firstRunEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const name of ['DATABASE_URL', 'JWT_SECRET_KEY', 'ADMIN_PASSWORD', 'MODEL_PATH']) delete env[name];
  return env;
}

/** Runs the real CLI on `dataDir`; resolves with its exit code and stderr, never throws. */
const cli = (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: firstRunEnv(dataDir),
    timeout: 120_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );

describe('first run with several processes at once', () => {
  it('three CLI commands started together on an empty folder all succeed, with one admin and one secret', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-race-'));
    folders.push(dataDir);
    const results = await Promise.all([
      cli(dataDir, 'models', 'list'),
      cli(dataDir, 'users', 'list'),
      cli(dataDir, 'models', 'list'),
    ]);
    for (const result of results) expect(result, result.stderr).toEqual({ code: 0, stderr: '' });
    const database = new SQLite(path.join(dataDir, 'privatestack.db'), { readonly: true });
    try {
      const admins = database.prepare(`SELECT username FROM users WHERE role = 'admin'`).all();
      expect(admins).toEqual([{ username: 'admin' }]);
      const applied = database.prepare('SELECT COUNT(*) AS n FROM kysely_migration').get() as { n: number };
      expect(applied.n).toBeGreaterThanOrEqual(10);
    } finally {
      database.close();
    }
    expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toMatch(/^\S{40,}\n$/);
    expect(readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8')).toMatch(/^\S{12,}\n$/);
    // No drafts of the secret left behind.
    expect(readdirSync(dataDir).filter((name) => name.startsWith('jwt-secret.'))).toEqual([]);
  }, 180_000);
});
