import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../helpers/shared-models.js';

// Issue #10 item 3: the start printed raw pino JSON and no line a person reads first, and every
// static file was logged twice at info. A real server process, read from its stdout.
const dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-banner-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Server {
  readonly url: string;
  /** Everything written to stdout so far. */
  stdout(): string;
  stop(): Promise<void>;
}

/** Starts `serve` with the given environment and waits for the banner's last line. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const inherited = { ...process.env };
  for (const name of ['LOG_FORMAT', 'LOG_LEVEL', 'MODEL_PATH', 'ADMIN_PASSWORD', 'HOST'])
    delete inherited[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...inherited, DATA_DIR: dataDir, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${stdout}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /API docs {2}(http:\/\/\S+\/)docs/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${stdout}`)));
  });
  return {
    url,
    stdout: () => stdout,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The stdout lines that are not the banner (the banner's lines are indented or empty). */
const logLines = (stdout: string) =>
  stdout.split('\n').filter((line) => line !== '' && !line.startsWith('  '));

describe('start-up banner and logs', () => {
  it('first start, logs piped: a banner with URL, data, admin, model help and docs; JSON log lines', async () => {
    // LOG_FORMAT unset and stdout a pipe (as under systemd or Docker): JSON.
    const server = await startServer({ LOG_LEVEL: 'debug' });
    try {
      const port = new URL(server.url).port;
      expect(port).not.toBe('0');
      expect((await fetch(`${server.url}health`)).status).toBe(200);

      const banner = server.stdout();
      expect(banner).toContain(`PrivateStack 0.1.0 is running at http://127.0.0.1:${port}/`);
      expect(banner).toContain(`Data      ${dataDir} (database ${path.join(dataDir, 'privatestack.db')})`);
      expect(banner).toContain(`user "admin" with the temporary password printed above`);
      expect(banner).toContain(path.join(dataDir, 'initial-admin-password'));
      expect(banner).toContain('Model     none yet');
      expect(banner).toContain('npx privatestack models pull <id>');
      expect(banner).toContain('npx privatestack models add <file.gguf>');
      expect(banner).toContain('npx privatestack models catalog');
      expect(banner).toContain(`API docs  http://127.0.0.1:${port}/docs`);

      // A page load's files and an API call; then every log line is one JSON object.
      for (const file of ['', 'manifest.webmanifest', 'assets/app.js', 'docs/static/index.css']) {
        await (await fetch(`${server.url}${file}`)).arrayBuffer();
      }
      await (await fetch(`${server.url}api/v1/users/me`)).arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const entries = logLines(server.stdout()).map((line) => JSON.parse(line) as Record<string, any>);
      expect(entries.length).toBeGreaterThan(3);

      const about = (url: string) => entries.filter((entry) => entry.req?.url === url);
      for (const url of ['/', '/manifest.webmanifest', '/assets/app.js', '/docs/static/index.css']) {
        // Once, at debug (20), whether the file exists, is missing, or the web app is not built.
        expect(about(url).map((entry) => entry.level)).toEqual([20]);
      }
      // The API keeps its request and response lines at info.
      const [incoming] = about('/api/v1/users/me');
      expect(incoming?.level).toBe(30);
      const api = entries.filter((entry) => entry.reqId === incoming?.reqId && entry.level === 30);
      expect(api.map((entry) => entry.msg)).toEqual(['incoming request', 'request completed']);
    } finally {
      await server.stop();
    }
  });

  it('later start with a model, LOG_FORMAT=pretty: the model is named, the password file pointed at, no JSON', async () => {
    const server = await startServer({ LOG_FORMAT: 'pretty', MODEL_PATH: storiesModel() });
    try {
      const stdout = server.stdout();
      expect(stdout).toContain('Model     stories260K (loaded)');
      expect(stdout).not.toContain('npx privatestack models pull');
      expect(stdout).toContain(
        `user "admin": the first-run password is in ${path.join(dataDir, 'initial-admin-password')}`,
      );
      const lines = logLines(stdout);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line.startsWith('{')).toBe(false);
      expect(stdout).toMatch(/INFO.*Server listening at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await server.stop();
    }
  });
});
