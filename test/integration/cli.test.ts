import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHub } from '../helpers/model-hub.js';

const run = promisify(execFile);
let dataDir: string;
let hub: Awaited<ReturnType<typeof startModelHub>>;
let baseUrl: string;

/** Runs the real CLI (TypeScript source through tsx) with a private data directory. */
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: 'cli admin password', LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-cli-'));
  hub = await startModelHub();
  baseUrl = hub.url;
});
afterAll(() => {
  hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('privatestack CLI', () => {
  it('pulls a model from a URL, registers it, and makes it active', async () => {
    const pulled = await cli('models', 'pull', `${baseUrl}/stories260K.gguf`);
    expect(pulled.stdout).toContain('270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d');
    const list = await cli('models', 'list');
    expect(list.stdout).toMatch(/stories260K\s+chat\s+\*/);
    expect(list.stdout).toContain(path.join(dataDir, 'models', 'stories260K.gguf'));
  });

  it('fails clearly for a missing model URL', async () => {
    const failure = await cli('models', 'pull', `${baseUrl}/missing.gguf`).catch(
      (error: { stderr: string; code: number }) => error,
    );
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/404/);
  });

  it('creates, lists and disables users', async () => {
    const created = await cli(
      'users',
      'create',
      'clerk@example.test',
      '--role',
      'viewer',
      '--password',
      'clerk password 1',
    );
    expect(created.stdout).toContain('created clerk <clerk@example.test> as viewer');
    await cli('users', 'disable', 'clerk');
    const list = await cli('users', 'list');
    expect(list.stdout).toMatch(/clerk\s+clerk@example\.test\s+viewer\s+yes/);
    const bad = await cli('users', 'create', 'x@example.test', '--role', 'root').catch(
      (error: { stderr: string }) => error,
    );
    expect(bad.stderr).toContain('--role must be one of');
  });

  it('answers usage errors of `users create` with exit code 2 and creates nothing', async () => {
    const attempts = [
      [['notanemail', '--password', 'long enough password'], 'email must be an e-mail address'],
      [['short@example.test', '--password', 'short'], 'password'],
      [['role@example.test', '--role', 'root'], '--role must be one of'],
      [[], "missing required argument 'email'"],
    ] as const;
    for (const [args, message] of attempts) {
      const failure = (await cli('users', 'create', ...args).catch((error: unknown) => error)) as {
        code?: number;
        stderr?: string;
      };
      expect(failure.code, args.join(' ')).toBe(2);
      expect(failure.stderr).toContain(message);
    }
    const list = await cli('users', 'list');
    expect(list.stdout).not.toMatch(/notanemail|short@example|role@example/);
    const help = await cli('users', 'create', '--help');
    expect(help.stdout).toMatch(/--username <name>\s+login name/);
  });

  it('doctor checks the pulled model against its recorded sha256', async () => {
    const doctor = await cli('doctor');
    expect(doctor.stdout).toContain('Model file sha256 matches the registry');
    // The default MODEL_CONTEXT_LENGTH (4096) is above stories260K's trained 2048: a warning, not an error.
    expect(doctor.stdout).toMatch(/^0 errors, \d+ warnings?: nothing blocks chat; read the warnings$/m);
  });

  it('resets a password from the shell', async () => {
    const reset = await cli('users', 'passwd', 'clerk');
    expect(reset.stdout).toMatch(/temporary password: \S{12,}/);
  });

  it('chooses and removes models', async () => {
    const use = await cli('models', 'use', 'stories260K');
    expect(use.stdout).toContain('stories260K is now the active model');
    const missing = await cli('models', 'use', 'nope').catch((error: { stderr: string }) => error);
    expect(missing.stderr).toContain('Model "nope" not found');
    const removed = await cli('models', 'rm', 'stories260K');
    expect(removed.stdout).toContain('stories260K removed (file deleted)');
    expect(existsSync(path.join(dataDir, 'models', 'stories260K.gguf'))).toBe(false);
    expect((await cli('models', 'list')).stdout).toContain('(none)');
  });

  it('reports a bad configuration variable by name', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'users', 'list'], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: 'not-a-port' },
    }).catch((error: { stderr: string }) => error);
    expect(failure.stderr).toContain('PORT: expected an integer, got "not-a-port"');
  });
});
