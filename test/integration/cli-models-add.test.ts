import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../src/modules/models/model-catalog.js';
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

/** Exit code and output of a CLI run with its own data directory; never throws. */
const runIn = (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, ...env, DATA_DIR: dataDir },
    timeout: 60_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

/** The file name the test catalogue's qwen2.5-0.5b-instruct (the tiny model under its id) has. */
const CATALOG_FILE = findCatalogEntry('qwen2.5-0.5b-instruct')!.fileName;

/** The tiny model with one weight byte changed: a whole GGUF of the same size, another sha256. */
function flippedModel(): Buffer {
  const bytes = readFileSync(storiesModel());
  bytes[1_000_000] = (bytes[1_000_000]! + 1) % 256;
  return bytes;
}

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

describe('npx privatestack models add with a cut-short, damaged or lookalike file (review finding 1)', () => {
  it('refuses a copy cut short and the GGUF magic followed by random bytes with exit 2, registering nothing', async () => {
    const cut = path.join(folder, 'usb', 'stories260K.gguf');
    mkdirSync(path.dirname(cut), { recursive: true });
    writeFileSync(cut, readFileSync(storiesModel()).subarray(0, 600_000));
    const noise = path.join(folder, 'usb', 'noise.gguf');
    writeFileSync(noise, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(4, 3), randomBytes(100_000)]));
    const dataDir = path.join(folder, 'add-cut');
    const [cutShort, random] = await Promise.all([
      runIn(dataDir, 'models', 'add', cut),
      runIn(dataDir, 'models', 'add', noise),
    ]);
    expect(cutShort.code).toBe(2);
    expect(cutShort.stderr).toContain(
      `${cut} is incomplete or damaged: tensor blk.1.ffn_up.weight ends at byte 639840 but the file has 600000 bytes (a copy cut short?)`,
    );
    expect(cutShort.stdout).not.toContain('Registered');
    expect(random.code).toBe(2);
    expect(random.stderr).toContain(`${noise} is incomplete or damaged: `);
    expect((await runIn(dataDir, 'models', 'list')).stdout).not.toMatch(/stories260K|noise/);
  }, 120_000);

  it("refuses a whole file with a pinned catalogue file's name and size but another sha256, unless --name is given", async () => {
    const damaged = path.join(folder, 'damaged', CATALOG_FILE);
    mkdirSync(path.dirname(damaged), { recursive: true });
    writeFileSync(damaged, flippedModel());
    const renamed = path.join(folder, 'renamed', CATALOG_FILE);
    mkdirSync(path.dirname(renamed), { recursive: true });
    writeFileSync(renamed, Buffer.concat([readFileSync(storiesModel()), Buffer.alloc(64)]));
    const [refused, named, sameNameOnly] = await Promise.all([
      runIn(path.join(folder, 'add-damaged'), 'models', 'add', damaged),
      runIn(path.join(folder, 'add-named'), 'models', 'add', damaged, '--name', 'my-own-build'),
      runIn(path.join(folder, 'add-renamed'), 'models', 'add', renamed),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${damaged}: it has the name and size of the catalogue's qwen2.5-0.5b-instruct (1185376 bytes, sha256 ${STORIES_SHA256})`,
    );
    expect(refused.stderr).toContain('most likely a damaged copy');
    expect(refused.stderr).toContain('npx privatestack models pull qwen2.5-0.5b-instruct');
    expect(refused.stderr).toContain('--name');
    // Named by the operator: registered, with the warning on stderr.
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('Registered my-own-build');
    expect(named.stderr).toMatch(/^warning: .*name and size of the catalogue's qwen2\.5-0\.5b-instruct/m);
    // Same name, other size: not that release, said plainly; registered under its file name.
    expect(sameNameOnly.code).toBe(0);
    expect(sameNameOnly.stderr).toMatch(
      /^warning: .*it has the name of the catalogue's qwen2\.5-0\.5b-instruct .* and its size 1185440 bytes: it is not that release$/m,
    );
    expect(sameNameOnly.stdout).toContain('Registered Qwen2.5-0.5B-Instruct-Q4_K_M (chat, 1.1 MiB)');
  }, 120_000);
});

describe('npx privatestack models pull when the file is already there (review finding 4)', () => {
  it('verifies a whole pinned file and registers it as the active model without downloading', async () => {
    const dataDir = path.join(folder, 'pull-existing-good');
    mkdirSync(path.join(dataDir, 'models'), { recursive: true });
    copyFileSync(storiesModel(), path.join(dataDir, 'models', CATALOG_FILE));
    const downloads = hub.requests.length;
    const pulled = await runIn(dataDir, 'models', 'pull', 'qwen2.5-0.5b-instruct');
    expect(hub.requests.length).toBe(downloads);
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toContain(
      'is already downloaded (1.1 MiB); checked it instead of downloading again',
    );
    expect(pulled.stdout).toContain(`sha256 ${STORIES_SHA256} (verified)`);
    expect(pulled.stdout).toContain('registered as qwen2.5-0.5b-instruct, the active model');
    expect((await runIn(dataDir, 'models', 'list')).stdout).toMatch(/qwen2\.5-0\.5b-instruct\s+chat\s+\*/);
  }, 120_000);

  it('refuses a cut-short or different file with exit 1, registers nothing, and --force replaces it', async () => {
    const cutDir = path.join(folder, 'pull-existing-cut');
    const otherDir = path.join(folder, 'pull-existing-other');
    for (const dir of [cutDir, otherDir]) mkdirSync(path.join(dir, 'models'), { recursive: true });
    const cutFile = path.join(cutDir, 'models', CATALOG_FILE);
    writeFileSync(cutFile, readFileSync(storiesModel()).subarray(0, 500_000));
    writeFileSync(path.join(otherDir, 'models', CATALOG_FILE), flippedModel());
    const [cut, other] = await Promise.all([
      runIn(cutDir, 'models', 'pull', 'qwen2.5-0.5b-instruct'),
      runIn(otherDir, 'models', 'pull', 'qwen2.5-0.5b-instruct'),
    ]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(
      /^error: .* is incomplete or damaged: tensor \S+ ends at byte \d+ but the file has 500000 bytes \(a copy cut short\?\); it is not the file to download: pass --force/m,
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      `differs from the catalogue's pinned qwen2.5-0.5b-instruct: sha256 ${createHash('sha256').update(flippedModel()).digest('hex')}, expected ${STORIES_SHA256}; pass --force`,
    );
    for (const result of [cut, other]) expect(result.stdout).not.toMatch(/already downloaded|registered/);
    const [cutList, forced] = await Promise.all([
      runIn(cutDir, 'models', 'list'),
      runIn(otherDir, 'models', 'pull', 'qwen2.5-0.5b-instruct', '--force'),
    ]);
    expect(cutList.stdout).not.toContain('qwen2.5');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`sha256 ${STORIES_SHA256} (verified)`);
    expect(forced.stdout).toContain('registered as qwen2.5-0.5b-instruct, the active model');
    expect(existsSync(cutFile)).toBe(true); // nothing the operator copied is deleted without --force
  }, 180_000);
});

describe('npx privatestack models add and use while MODEL_PATH is set (review)', () => {
  it('say that MODEL_PATH decides what the server loads, instead of claiming the new model is active', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-model-path-'));
    const copy = path.join(dataDir, 'second.gguf');
    copyFileSync(storiesModel(), copy);
    const pinned = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        env: {
          ...process.env,
          ...env,
          DATA_DIR: dataDir,
          MODEL_PATH: storiesModel(),
          MODEL_CATALOG_FILE: '',
        },
        timeout: 60_000,
      });
    try {
      const added = await pinned('models', 'add', copy);
      expect(added.stdout).toContain(
        `MODEL_PATH is set (${storiesModel()}): the server loads that file at every start, not second`,
      );
      expect(added.stdout).not.toContain('second is the active model');
      const used = await pinned('models', 'use', 'second');
      expect(used.stdout).toContain('MODEL_PATH is set');
      expect(used.stdout).toContain('POST /api/v1/models/second/load');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
