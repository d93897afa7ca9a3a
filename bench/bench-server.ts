/** Starts the built server as a child process on a free port, and talks to it over real HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PASSWORD = 'benchmark admin password';

/** One streamed answer as the client saw it. */
export interface StreamTiming {
  readonly startedAt: number;
  readonly firstChunkAt: number;
  readonly lastChunkAt: number;
  /** Decode time as the server measured it (first token to end), free of client-side delays. */
  readonly serverDecodeMs: number;
  readonly completionTokens: number;
  readonly promptTokens: number;
}

/** A running server under test. */
export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  newSession(): Promise<string>;
  send(sessionId: string, message: string, settings: Record<string, unknown>): Promise<StreamTiming>;
  /** Peak resident set size of the server process so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  stop(): Promise<void>;
}

/** Starts `node bin/privatestack.js serve` with the given model and settings. */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/privatestack.js', 'serve'], {
    // bin/privatestack.js re-executes itself with MALLOC_ARENA_MAX=4 when unset; setting it here keeps
    // that default while making this child the server process itself, whose RSS is measured.
    env: {
      ...process.env,
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '4',
      // One signed-in user drives every concurrent stream: the per-user fair-use limits would
      // measure themselves instead of the engine.
      MODEL_MAX_CONCURRENT_PER_USER: '1000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_HOUR: '100000000',
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  const token = await login(url);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    url,
    pid: child.pid!,
    newSession: async () => {
      const response = await fetch(`${url}/api/v1/chat/sessions`, { method: 'POST', headers, body: '{}' });
      return ((await response.json()) as { id: string }).id;
    },
    send: async (sessionId, message, settings) => {
      const startedAt = performance.now();
      let firstChunkAt = 0;
      let lastChunkAt = 0;
      const response = await fetch(`${url}/api/v1/chat/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ message, ...settings }),
      });
      if (response.status !== 200)
        throw new Error(`send failed: ${response.status} ${await response.text()}`);
      // The client shares the machine with the server: keep its per-token work minimal (no JSON parsing).
      const reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
      const decoder = new TextDecoder();
      let tail = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const piece = decoder.decode(value, { stream: true });
        if (piece.includes('event: chunk') || piece.includes('event: reasoning')) {
          lastChunkAt = performance.now();
          firstChunkAt ||= lastChunkAt;
        }
        if (tail || piece.includes('event: done') || piece.includes('event: error')) tail += piece;
      }
      const doneData = /event: done\ndata: (.*)\n/.exec(tail)?.[1];
      if (!doneData) throw new Error(`stream did not end with done: ${tail.slice(0, 300)}`);
      const done = JSON.parse(doneData) as {
        usage: { completion_tokens: number; prompt_tokens: number };
        latency_ms: number;
        time_to_first_token_ms: number;
      };
      const usage = done.usage;
      return {
        startedAt,
        firstChunkAt,
        lastChunkAt,
        completionTokens: usage.completion_tokens,
        promptTokens: usage.prompt_tokens,
        serverDecodeMs: done.latency_ms - done.time_to_first_token_ms,
      };
    },
    peakRssBytes: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
      if (health.status === 'ok') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server did not become healthy in 180 s');
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
