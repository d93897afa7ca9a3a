/**
 * Issue #9: no upload can kill the server. The real server runs as a separate process (so its own memory can
 * be read from /proc); a signed-in user uploads the 408 KB PDF whose one content stream inflates to 400 MiB of
 * text, five times in a row and three times at once, then an XLSX and a DOCX that inflate to 400 MiB of
 * strings. /health must answer 200 throughout, every document must end FAILED with a reason naming the limit,
 * and 10 s after the last one the server's RSS must be within 100 MiB of its level before.
 *
 * Limits are lowered through the environment to keep the run short (EXTRACTION_MEMORY_MB=256, default 512),
 * and the zip guard's are raised so the XLSX/DOCX reach the parser: the sandbox alone must stop them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  makeHugeTextDocx,
  makePdf,
  makePdfTextBomb,
  makeSharedStringsBombXlsx,
} from '../helpers/documents.js';
import { multipartBody } from '../helpers/upload.js';

const MIB = 1024 * 1024;
const dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-sandbox-'));
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** The server process's resident memory, from /proc. */
function rssOf(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  return Number(kib) * 1024;
}

/** Command lines of the live child processes of `pid` that are sandboxed parsers (tsx runs esbuild too). */
function parserChildrenOf(pid: number): string[] {
  // Threads and processes come and go while this reads: a vanished one simply has no children.
  const read = (file: string) => {
    try {
      return readFileSync(file, 'latin1');
    } catch {
      return '';
    }
  };
  return readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => read(`/proc/${pid}/task/${task}/children`).trim().split(/\s+/))
    .filter(Boolean)
    .map((child) => read(`/proc/${child}/cmdline`).replaceAll('\0', ' '))
    .filter((command) => command.includes('extraction.child'));
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      ADMIN_EMAIL: 'admin@example.test',
      ADMIN_PASSWORD: 'correct horse battery staple',
      REGISTRATION_ENABLED: 'true',
      LOG_LEVEL: 'warn',
      MODEL_PATH: '',
      EXTRACTION_MEMORY_MB: '256',
      EXTRACTION_TIMEOUT_SECONDS: '60',
      MAX_UNCOMPRESSED_MB: '4096',
      MAX_COMPRESSION_RATIO: '100000',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return child;
    await sleep(100);
  }
  throw new Error('server did not start');
}

describe('extraction sandbox (issue #9)', () => {
  it('survives PDF, XLSX and DOCX bombs from a normal user: /health stays up, each FAILED, memory returns', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = await startServer(port);
    const pid = server.pid!;
    let exited = false;
    server.once('exit', () => (exited = true));

    const account = { email: 'user@example.test', password: 'a normal user password' };
    const registered = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(registered.status).toBe(201);
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const auth = { authorization: `Bearer ${token}` };

    const upload = async (name: string, content: Buffer) => {
      const { body, contentType } = await multipartBody({ name, content });
      const response = await fetch(`${base}/api/v1/files`, {
        method: 'POST',
        headers: { ...auth, 'content-type': contentType },
        body,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const settled = async (id: string) => {
      for (;;) {
        const document = (await (await fetch(`${base}/api/v1/files/${id}`, { headers: auth })).json()) as {
          status: string;
          error: string | null;
        };
        if (document.status === 'PROCESSED' || document.status === 'FAILED') {
          return { status: document.status, error: document.error };
        }
        await sleep(200);
      }
    };

    // Warm up (first extraction loads the parsers' modules), then take the baseline.
    expect((await settled(await upload('hello.pdf', await makePdf([['Hello sandbox']])))).status).toBe(
      'PROCESSED',
    );
    await sleep(2000);
    const rssBefore = rssOf(pid);

    const health: (number | string)[] = [];
    let polling = true;
    /** Most parser children seen at once: at least one (extraction runs outside), at most EXTRACTION_CONCURRENCY. */
    let parsersSeen = 0;
    const poller = (async () => {
      while (polling) {
        health.push(
          await fetch(`${base}/health`).then(
            (r) => r.status,
            (e: Error) => e.message,
          ),
        );
        parsersSeen = Math.max(parsersSeen, parserChildrenOf(pid).length);
        await sleep(250);
      }
    })();

    const pdfBomb = makePdfTextBomb();
    expect(pdfBomb.length).toBeLessThan(512 * 1024);
    const outcomes: { name: string; status: string; error: string | null }[] = [];
    for (let n = 0; n < 5; n += 1) {
      const name = `bomb-${n}.pdf`;
      outcomes.push({ name, ...(await settled(await upload(name, pdfBomb))) });
    }
    const concurrent = await Promise.all([5, 6, 7].map((n) => upload(`bomb-${n}.pdf`, pdfBomb)));
    for (const [index, id] of concurrent.entries())
      outcomes.push({ name: `bomb-${index + 5}.pdf`, ...(await settled(id)) });
    const xlsx = await upload('strings.xlsx', await makeSharedStringsBombXlsx());
    const docx = await upload('strings.docx', await makeHugeTextDocx());
    outcomes.push({ name: 'strings.xlsx', ...(await settled(xlsx)) });
    outcomes.push({ name: 'strings.docx', ...(await settled(docx)) });

    await sleep(10_000);
    const rssAfter = rssOf(pid);
    polling = false;
    await poller;

    console.info(
      `health answers ${health.length} (not 200: ${health.filter((h) => h !== 200).length}), server RSS before ${Math.round(rssBefore / MIB)} MiB, 10 s after the last FAILED ${Math.round(rssAfter / MIB)} MiB`,
    );
    expect(exited).toBe(false);
    expect(outcomes).toEqual(
      outcomes.map(({ name }) => ({
        name,
        status: 'FAILED',
        error: expect.stringMatching(
          /memory limit \(256 MiB heap\)|longer than the limit of 20,000,000 characters/,
        ),
      })),
    );
    expect(health.length).toBeGreaterThan(20);
    expect(health.filter((status) => status !== 200)).toEqual([]);
    expect(parsersSeen).toBe(1);
    expect(parserChildrenOf(pid)).toEqual([]);
    expect(rssAfter - rssBefore).toBeLessThan(100 * MIB);
  }, 600_000);
});
