import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startRuntime } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';

// Issue #10 item 4: a server that cannot listen exits with a clear message; the first-run password
// file does not outlive the password it holds.
const folders: string[] = [];
const tempDir = () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'privatestack-startup-'));
  folders.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Runs `serve` with `env` until it exits (45 s at most); its exit code (null: killed) and stderr. */
async function serveUntilExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, DATA_DIR: tempDir(), LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 45_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, stderr };
}

describe('start-up', () => {
  it('exits non-zero with a clear message when its port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await serveUntilExit({ PORT: String(port) });
      expect(code).toBe(1);
      expect(stderr).toContain(`127.0.0.1:${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('says in words when HOST is not an address of this machine', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to an interface here.
    const { code, stderr } = await serveUntilExit({ HOST: '192.0.2.1', PORT: '0' });
    expect(code).toBe(1);
    expect(stderr).toContain('192.0.2.1 is not an address of this machine');
    expect(stderr).not.toContain('EADDRNOTAVAIL');
  });

  it('deletes the first-run password file once the admin has changed that password', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const runtime = await startRuntime(config, { loadModel: false });
    const app = await buildApp(runtime.services, { logger: false });
    try {
      const file = path.join(dataDir, 'initial-admin-password');
      const generated = readFileSync(file, 'utf8').trim();
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: generated },
      });
      expect(login.statusCode).toBe(200);
      const change = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { authorization: `Bearer ${login.json().access_token}` },
        payload: { current_password: generated, new_password: 'A-new-and-long-passphrase-9' },
      });
      expect(change.statusCode).toBe(200);
      expect(existsSync(file)).toBe(false);
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
