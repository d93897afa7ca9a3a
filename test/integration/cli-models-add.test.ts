import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHub, STORIES_SHA256, writeStoriesCatalog, type ModelHub } from '../helpers/model-hub.js';
import { storiesModel } from '../helpers/shared-models.js';

// Issue #10 items 1 and 5: the offline install (`models add`), catalogue pulls from MODEL_HUB_URL on
// the command line, and printed commands a person can run as printed (`npx privatestack …`).
const run = promisify(execFile);
let folder: string;
let hub: ModelHub;
let env: Record<string, string>;

/** Runs the real CLI (TypeScript source through tsx) against this file's data directory. */
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, ...env },
    timeout: 60_000,
  });

/** The same without the test catalogue file: stories260K is then in no catalogue entry. */
const cliWithoutCatalogFile = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, ...env, MODEL_CATALOG_FILE: '' },
    timeout: 60_000,
  });

/** Exit code and output of a CLI run that is expected to fail. */
const failure = (...args: string[]) =>
  cli(...args).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );

/** Every printed `privatestack <command>` must be runnable as printed: `npx privatestack …`. */
function expectRunnableCommands(output: string) {
  const bare = output.match(/(^|[^\w/-])(?<!npx )privatestack (models|users|chat|doctor|serve)\b/gm) ?? [];
  expect(bare).toEqual([]);
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'privatestack-cli-add-'));
  hub = await startModelHub();
  env = {
    DATA_DIR: path.join(folder, 'data'),
    ADMIN_PASSWORD: 'cli admin password',
    LOG_LEVEL: 'silent',
    MODEL_HUB_URL: hub.url,
    MODEL_CATALOG_FILE: writeStoriesCatalog(folder, 'qwen2.5-0.5b-instruct'),
  };
});
afterAll(() => {
  hub.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('npx privatestack models add', () => {
  it('registers a GGUF copied onto the machine, hashes it and makes it the active model', async () => {
    const copy = path.join(folder, 'my model (copy).gguf');
    copyFileSync(storiesModel(), copy);
    const added = await cliWithoutCatalogFile('models', 'add', copy);
    expect(added.stdout).toContain('Registered my-model-copy- (chat, 1.1 MiB)');
    expect(added.stdout).toContain(`sha256 ${STORIES_SHA256} (not in the catalogue`);
    expect(added.stdout).toContain('is the active model');
    const list = await cli('models', 'list');
    expect(list.stdout).toMatch(/my-model-copy-\s+chat\s+\*/);
  });

  it('names a file after the catalogue entry its hash matches, and says how to use it', async () => {
    const link = path.join(folder, 'downloaded-elsewhere.gguf');
    symlinkSync(storiesModel(), link);
    const added = await cli('models', 'add', link, '--kind', 'chat');
    expect(added.stdout).toContain('Registered qwen2.5-0.5b-instruct');
    expect(added.stdout).toContain("matches the catalogue's qwen2.5-0.5b-instruct");
    // Another model is already active: the hint names a command that runs as printed.
    expect(added.stdout).toContain('npx privatestack models use qwen2.5-0.5b-instruct');
    expectRunnableCommands(added.stdout);
  });

  it('answers a missing file, a folder, a non-GGUF or a bad --kind with exit code 2 and registers nothing', async () => {
    const text = path.join(folder, 'notes.gguf');
    writeFileSync(text, 'not a model');
    const cases = [
      [[path.join(folder, 'absent.gguf')], /No file at .*absent\.gguf/],
      [[folder], /is not a regular file/],
      [[text], /not a GGUF model/],
      [[text, '--kind', 'vision'], /--kind must be chat or embedding/],
    ] as const;
    for (const [args, message] of cases) {
      const result = await failure('models', 'add', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect((await cli('models', 'list')).stdout).not.toContain('notes');
  }, 180_000);
});

describe('npx privatestack models pull with MODEL_HUB_URL', () => {
  it('downloads a catalogue id from the configured hub and verifies the pinned hash', async () => {
    env = { ...env, DATA_DIR: path.join(folder, 'pull-data') };
    const pulled = await cli('models', 'pull', 'qwen2.5-0.5b-instruct');
    expect(hub.requests.some((request) => request.includes('/resolve/'))).toBe(true);
    expect(pulled.stdout).toContain(`sha256 ${STORIES_SHA256} (verified)`);
    expect(pulled.stdout).toContain('registered as qwen2.5-0.5b-instruct, the active model');
    expectRunnableCommands(pulled.stdout + pulled.stderr);
  });
});
