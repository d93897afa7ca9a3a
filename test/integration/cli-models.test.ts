import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_MODELS_DIR, storiesModel } from '../helpers/shared-models.js';

const run = promisify(execFile);
let dataDir: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (TypeScript source through tsx) with a private data directory; never throws. */
async function cli(...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  // The machine's proxy settings would add a line to the failure message; these tests set their own.
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[name];
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Serves the tiny model with Range support; the first request is cut after `cutAfter` bytes. */
async function startFlakyHub(cutAfter: number): Promise<{ server: Server; url: string }> {
  const model = readFileSync(storiesModel());
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const body = model.subarray(start);
    const range = start > 0 ? { 'content-range': `bytes ${start}-${model.length - 1}/${model.length}` } : {};
    response.writeHead(start > 0 ? 206 : 200, { 'content-length': body.length, ...range });
    if (requests === 1)
      return void response.write(body.subarray(0, cutAfter), () => response.socket?.destroy());
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-cli-models-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('models pull without a network', () => {
  it('names an unresolvable host and the DNS cause, keeps nothing, and explains the install by hand', async () => {
    // .invalid never resolves (RFC 2606): the same answer an offline server gets for huggingface.co.
    const url = 'http://nonexistent.invalid/models/tiny.gguf';
    const pulled = await cli('models', 'pull', url);
    const file = path.join(dataDir, 'models', 'tiny.gguf');
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(
      /error: Could not reach nonexistent\.invalid: the host name .*\((ENOTFOUND|EAI_AGAIN)/,
    );
    expect(pulled.stderr).toContain('Nothing was kept.');
    expect(pulled.stderr).toContain(`download\n       ${url}\n`);
    expect(pulled.stderr).toContain(`Run: npx privatestack models add ${file}`);
    expect(pulled.stderr).not.toMatch(/resume/);
  });

  it('names a refused port with its host, and says nothing was kept', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const pulled = await cli('models', 'pull', `http://${host}/tiny.gguf`);
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toContain(
      `error: Could not reach ${host}: the connection was refused (ECONNREFUSED`,
    );
    expect(pulled.stderr).toContain('Nothing was kept.');
    expect(pulled.stderr).toContain('npx privatestack models add');
  });

  it('says what it kept when a transfer breaks off, and the same command then resumes it', async () => {
    const hub = await startFlakyHub(400_000);
    try {
      const url = `${hub.url}/stories260K.gguf`;
      const first = await cli('models', 'pull', url);
      const part = path.join(dataDir, 'models', 'stories260K.gguf.part');
      expect(first.code).toBe(1);
      expect(first.stderr).toContain(`broke off: the connection was reset (ECONNRESET)`);
      expect(first.stderr).toMatch(
        new RegExp(
          `Kept \\d+\\.\\d KiB in ${part.replace(/\./g, '\\.')}; run the same command again to resume\\.`,
        ),
      );
      expect(first.stderr).not.toContain('install the model by hand');
      expect(statSync(part).size).toBeGreaterThan(0);

      const second = await cli('models', 'pull', url);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d');
    } finally {
      hub.server.closeAllConnections();
      hub.server.close();
    }
  });
});

describe('models synth', () => {
  it('says in words that the file is the size of the real release', async () => {
    const out = path.join(dataDir, 'bge-shape.gguf');
    const synth = await cli(
      'models',
      'synth',
      'bge-small-en-v1.5-f16',
      '--out',
      out,
      '--assets',
      SHARED_MODELS_DIR,
    );
    expect(synth.code).toBe(0);
    expect(synth.stdout).toContain('the size of the real release to within 1.0 %');
    expect(synth.stdout).not.toMatch(/\d% from the real release/);
    rmSync(out, { force: true });
  });
});

describe('usage errors in the models commands', () => {
  it('exit 2 with one clear line, and change nothing', async () => {
    const cases: { args: string[]; says: RegExp }[] = [
      { args: ['models', 'pull'], says: /missing required argument 'name-or-url'/ },
      { args: ['models', 'pull', 'no-such-model'], says: /No model named 'no-such-model' in the catalogue/ },
      { args: ['models', 'pull', 'https://example.org/notes.txt'], says: /must point to a \.gguf file/ },
      { args: ['models', 'synth'], says: /name a shape, or pass --list/ },
      { args: ['models', 'synth', 'no-such-shape'], says: /model shape "no-such-shape" not found/ },
      { args: ['models', 'list', '--bogus'], says: /unknown option '--bogus'/ },
      { args: ['models', 'frobnicate'], says: /unknown command 'frobnicate'/ },
      { args: ['models', 'use', 'no-such-model'], says: /no-such-model/ },
      { args: ['models', 'rm', 'no-such-model'], says: /no-such-model/ },
    ];
    // Three at a time: each run starts Node and tsx, and the machine has two cores.
    const results: CliResult[] = [];
    for (let start = 0; start < cases.length; start += 3) {
      const batch = cases.slice(start, start + 3);
      results.push(...(await Promise.all(batch.map(({ args }) => cli(...args)))));
    }
    results.forEach((result, index) => {
      expect({ args: cases[index]!.args, code: result.code }).toEqual({ args: cases[index]!.args, code: 2 });
      expect(result.stderr).toMatch(cases[index]!.says);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
    const list = await cli('models', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).not.toMatch(/no-such/);
  }, 300_000);
});

describe('help', () => {
  it('says how the command runs from the checkout, since nothing puts privatestack on the PATH', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npx privatestack <command>');
    expect(help.stdout).toContain('npm link');
  }, 60_000);
});
