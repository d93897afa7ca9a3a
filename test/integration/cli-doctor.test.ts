import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHub, type ModelHub } from '../helpers/model-hub.js';
import { storiesModel } from '../helpers/shared-models.js';

const run = promisify(execFile);
let root: string;
let hub: ModelHub;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI with the given environment on top of a clean one; never throws. */
async function cli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  const clean: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'doctor admin password',
  };
  for (const name of ['MODEL_PATH', 'MODEL_CONTEXT_LENGTH', 'DATABASE_URL', 'MODELS_DIR']) delete clean[name];
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...clean, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A fresh, private data directory. */
function dataDir(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** The summary line: "<n> error(s), <m> warning(s): …". */
const summary = (stdout: string) => stdout.trim().split('\n').at(-1) ?? '';

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'privatestack-doctor-'));
  hub = await startModelHub();
});
afterAll(() => {
  hub.close();
  rmSync(root, { recursive: true, force: true });
});

describe('doctor', () => {
  it('calls a missing chat model an error, says how to get one, and exits 1', async () => {
    const doctor = await cli({ DATA_DIR: path.join(root, 'fresh') }, 'doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^✗ error: No chat model: .*503 MODEL_NOT_LOADED/m);
    expect(doctor.stdout).toContain('`npx privatestack models pull <name>`');
    expect(doctor.stdout).toContain('`npx privatestack models add <file>`');
    expect(summary(doctor.stdout)).toMatch(
      /^1 error, \d+ warnings?: chat cannot work until that error is fixed$/,
    );
    expect(doctor.stdout).not.toContain('all checks passed');
  });

  it('warns when MODEL_CONTEXT_LENGTH is above the trained context, counts the warnings, and exits 0', async () => {
    const dir = dataDir('context');
    chmodSync(dir, 0o755);
    const doctor = await cli(
      { DATA_DIR: dir, MODEL_PATH: storiesModel(), MODEL_CONTEXT_LENGTH: '4096' },
      'doctor',
    );
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(
      /^! warning: MODEL_CONTEXT_LENGTH=4096 is above the 2048 tokens this model was trained on: .*set MODEL_CONTEXT_LENGTH=2048$/m,
    );
    expect(doctor.stdout).toMatch(/^! warning: Data directory .* is open to every local user \(mode 755\)/m);
    expect(summary(doctor.stdout)).toMatch(
      /^0 errors, [3-9] warnings: nothing blocks chat; read the warnings$/,
    );
  });

  it('calls a missing or non-GGUF MODEL_PATH an error', async () => {
    const missing = path.join(root, 'nowhere.gguf');
    const absent = await cli({ DATA_DIR: dataDir('absent'), MODEL_PATH: missing }, 'doctor');
    expect(absent.code).toBe(1);
    expect(absent.stdout).toContain(`✗ error: Model file ${missing} (MODEL_PATH) does not exist`);

    const text = path.join(root, 'notes.gguf');
    writeFileSync(text, 'meeting notes, not a model '.repeat(100));
    const notModel = await cli({ DATA_DIR: dataDir('text'), MODEL_PATH: text }, 'doctor');
    expect(notModel.code).toBe(1);
    expect(notModel.stdout).toContain(`✗ error: Model file ${text} is not a readable GGUF`);
    expect(summary(notModel.stdout)).toMatch(/^1 error, /);
  }, 150_000);

  it('calls a model file cut short, or the GGUF magic followed by noise, an error that blocks chat', async () => {
    const cut = path.join(root, 'cut.gguf');
    writeFileSync(cut, readFileSync(storiesModel()).subarray(0, 600_000));
    const noise = path.join(root, 'noise.gguf');
    writeFileSync(noise, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(4, 3), randomBytes(100_000)]));
    const env = { MODEL_CONTEXT_LENGTH: '2048' };
    const [cutShort, random] = await Promise.all([
      cli({ ...env, DATA_DIR: dataDir('cut'), MODEL_PATH: cut }, 'doctor'),
      cli({ ...env, DATA_DIR: dataDir('noise'), MODEL_PATH: noise }, 'doctor'),
    ]);
    expect(cutShort.code).toBe(1);
    expect(cutShort.stdout).toContain(
      `✗ error: Model ${cut} is incomplete or damaged: tensor blk.1.ffn_up.weight ends at byte 639840 but ` +
        'the file has 600000 bytes (a copy cut short?): llama.cpp cannot load it.',
    );
    expect(cutShort.stdout).not.toContain('sha256 matches');
    expect(summary(cutShort.stdout)).toMatch(/^1 error, .*chat cannot work until that error is fixed$/);
    expect(random.code).toBe(1);
    expect(random.stdout).toContain(`✗ error: Model ${noise} is incomplete or damaged: `);
  }, 120_000);

  it('calls a database that does not open an error, without a crash', async () => {
    const dir = dataDir('broken-db');
    writeFileSync(path.join(dir, 'privatestack.db'), 'not a database '.repeat(200));
    const doctor = await cli(
      { DATA_DIR: dir, MODEL_PATH: storiesModel(), MODEL_CONTEXT_LENGTH: '2048' },
      'doctor',
    );
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(
      `✗ error: Database ${path.join(dir, 'privatestack.db')} cannot be opened: file is not a database`,
    );
    expect(doctor.stderr).not.toMatch(/\n\s+at /);
  });

  it('checks a pulled model against its sha256, and calls its deleted file an error', async () => {
    const dir = dataDir('pulled');
    const env = { DATA_DIR: dir, MODEL_CONTEXT_LENGTH: '2048' };
    expect((await cli(env, 'models', 'pull', `${hub.url}/stories260K.gguf`)).code).toBe(0);
    const healthy = await cli(env, 'doctor');
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain('✓ Model file sha256 matches the registry');
    expect(healthy.stdout).toContain("(the registry's active model stories260K)");
    expect(healthy.stdout).toContain(
      "✓ Context: MODEL_CONTEXT_LENGTH=2048, within the model's trained 2048 tokens",
    );
    expect(healthy.stdout).not.toMatch(/warning: MODEL_CONTEXT_LENGTH/);

    const file = path.join(dir, 'models', 'stories260K.gguf');
    rmSync(file);
    const gone = await cli(env, 'doctor');
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain(
      `✗ error: Model file ${file} (the registry's active model stories260K) does not exist`,
    );
  }, 180_000);

  it('documents its levels and exit status in the help', async () => {
    const help = await cli({}, 'doctor', '--help');
    expect(help.stdout).toContain(
      'Exit status: 1 when any check is an error, 0 otherwise (warnings alone exit 0).',
    );
  });
});
