import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocx } from '../helpers/documents.js';

let root: string;
let docs: string;

/** Runs the real CLI (TypeScript source through tsx) against a private data directory; never rejects. */
const cli = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        env: {
          ...process.env,
          DATA_DIR: path.join(root, 'data'),
          ADMIN_PASSWORD: 'cli admin password',
          LOG_LEVEL: 'silent',
          EMBEDDINGS_MODEL: '',
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => resolve({ code: Number(error?.code ?? 0), stdout, stderr }),
    );
  });

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'privatestack-cli-ingest-'));
  // A second account, created while the fixtures are written: it belongs to no workspace.
  const outsider = cli('users', 'create', 'outsider@example.test', '--password', 'outsider password 1');
  docs = path.join(root, 'docs');
  mkdirSync(path.join(docs, 'policies'), { recursive: true });
  mkdirSync(path.join(docs, '.git'));
  writeFileSync(path.join(docs, 'guide.md'), '# Guide\n\nThe office opens at nine on weekdays.\n');
  writeFileSync(path.join(docs, 'policies', 'expenses.txt'), 'Expense claims go through finance.\n');
  writeFileSync(
    path.join(docs, 'travel.docx'),
    await makeDocx([
      { heading: 'Travel Policy', level: 1 },
      { paragraph: 'Trips to Zanzibar need written approval from finance.' },
    ]),
  );
  writeFileSync(path.join(docs, 'scan.pdf'), 'just text pretending to be a PDF\n');
  writeFileSync(path.join(docs, 'logo.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  writeFileSync(path.join(docs, '.git', 'config.txt'), 'hidden, never ingested\n');
  writeFileSync(path.join(docs, '.notes.md'), 'hidden, never ingested\n');
  expect((await outsider).code).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('privatestack ingest and search', () => {
  it('ingests a folder tree: good files processed, a lying extension failed, an image skipped', async () => {
    const run = await cli('ingest', docs, '--workspace', 'Handbook', '--create-workspace', '--tag', 'hr');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/processed: 3 \(\d+ chunks?\)/);
    expect(run.stdout).toMatch(
      /failed: +1\n {2}\S*scan\.pdf: The file has extension \.pdf but its content is text/,
    );
    expect(run.stdout).toMatch(/skipped: +1\n {2}\S*logo\.png: \.png is not an accepted type/);
    expect(run.stdout).toMatch(/elapsed: +\d+\.\d s/);
    expect(run.stderr).toContain('Ingesting 4 files into "Handbook" as admin');
    expect(run.stdout + run.stderr).not.toContain('hidden');
  });

  it('finds a word from the DOCX, as a table and as JSON', async () => {
    // Independent read-only runs go in parallel to keep the file fast (SQLite WAL, busy timeout).
    const [table, json] = await Promise.all([
      cli('search', 'zanzibar', '--workspace', 'handbook'),
      cli('search', 'finance', '--json', '--mode', 'keyword', '--top-k', '5'),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^rank\s+score\s+file\s+page\s+heading\s+snippet$/m);
    expect(table.stdout).toMatch(/^1\s+1\.000\s+travel\.docx\s+Travel Policy\s+Trips to Zanzibar/m);
    expect(json.code).toBe(0);
    const response = JSON.parse(json.stdout) as { results: { filename: string }[]; mode: string };
    expect(response.mode).toBe('keyword');
    expect(response.results.map((result) => result.filename).sort()).toEqual(['expenses.txt', 'travel.docx']);
  });

  it("applies the acting user's permissions, and answers usage errors with exit code 2", async () => {
    const [outsider, missing, nobody, badTopK] = await Promise.all([
      cli('search', 'zanzibar', '--as', 'outsider'),
      cli('ingest', docs, '--workspace', 'Nope'),
      cli('search', 'x', '--as', 'nobody'),
      cli('search', 'x', '--top-k', '99'),
    ]);
    expect(outsider.code).toBe(0);
    expect(outsider.stdout).toBe('(none)\n');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: no workspace "Nope" for admin; their workspaces: "Handbook"');
    expect(missing.stderr).toContain('pass --create-workspace');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('no user "nobody"');
    expect(badTopK.code).toBe(2);
    expect(badTopK.stderr).toContain('expected a whole number from 1 to 20');
  });
});
