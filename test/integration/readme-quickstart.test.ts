import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../src/modules/models/model-catalog.js';
import { startModelHub, STORIES_SHA256, writeStoriesCatalog, type ModelHub } from '../helpers/model-hub.js';
import { storiesModel } from '../helpers/shared-models.js';

// Issue #10 item 1: the README's quick start, run as a new user would paste it. The blocks marked
// `<!-- quickstart-test: NAME -->` run in one bash session, verbatim but for the port (a free one
// instead of 8000, which another server on the machine may hold). The server is started as `npm start`
// ends up starting it (`node bin/privatestack.js serve` in the checkout, after npm's install and
// build); the checkout is a fresh folder holding package.json, bin/, the project's node_modules and
// a dist/ built here from the current sources, so `data/` starts empty and `npx privatestack` resolves
// the project's own command. The configuration is the README's air-gap pair in `.env`:
// MODEL_HUB_URL (a local hub) and MODEL_CATALOG_FILE (the README's model id pinned to the tiny model's
// real sha256 and size), so no internet is needed and the hash check stays real; and PORT, MODEL_THREADS.
const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const MODEL_ID = 'qwen2.5-0.5b-instruct';
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

let work: string;
let build: string;
let hub: ModelHub;
const servers: ChildProcess[] = [];

/** The bash blocks of the quick start by marker name, in README order. */
function quickStartBlocks(): Map<string, string> {
  const section = README.slice(
    README.indexOf('## Quick start'),
    README.indexOf('\n## ', README.indexOf('## Quick start') + 1),
  );
  const blocks = new Map<string, string>();
  for (const match of section.matchAll(/<!-- quickstart-test: ([\w-]+) -->\s*```bash\n([\s\S]*?)```/g))
    blocks.set(match[1]!, match[2]!);
  return blocks;
}

/** Builds the server from the current sources once, into a folder the checkouts share. */
async function buildOnce(): Promise<void> {
  build = path.join(work, 'build');
  mkdirSync(build);
  copyFileSync(path.join(ROOT, 'package.json'), path.join(build, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'));
  await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', path.join(build, 'dist')], {
    cwd: ROOT,
    timeout: 240_000,
  });
}

/** A fresh "clone": what the quick start's commands see in their working folder. */
function freshCheckout(name: string, port: number): string {
  const folder = path.join(work, name);
  mkdirSync(folder);
  copyFileSync(path.join(ROOT, 'package.json'), path.join(folder, 'package.json'));
  // The whole launcher folder: bin/privatestack.js may import its neighbours.
  cpSync(path.join(ROOT, 'bin'), path.join(folder, 'bin'), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(folder, 'node_modules'));
  symlinkSync(path.join(build, 'dist'), path.join(folder, 'dist'));
  writeFileSync(
    path.join(folder, '.env'),
    // PORT and one llama.cpp thread (two test servers and other test files share two cores; spinning
    // threads that outnumber the cores slow every answer many times over), then the README's pair.
    `PORT=${port}\nMODEL_THREADS=1\n` +
      `MODEL_HUB_URL=${hub.url}\nMODEL_CATALOG_FILE=${writeStoriesCatalog(folder, MODEL_ID)}\n`,
  );
  return folder;
}

/** Kills a server and the process it re-executed, whatever state the test ended in. */
function killGroup(server: ChildProcess): void {
  try {
    process.kill(-server.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the server in the checkout and waits until it answers. */
async function startServer(
  folder: string,
  port: number,
): Promise<{ output: () => string; stop: () => void }> {
  const server = spawn(process.execPath, ['bin/privatestack.js', 'serve'], {
    cwd: folder,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the launcher re-executes itself (MALLOC_ARENA_MAX), and killing only the
    // launcher would leave the real server running.
    detached: true,
  });
  servers.push(server);
  let output = '';
  server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  for (let attempt = 0; attempt < 240; attempt++) {
    if (server.exitCode !== null) throw new Error(`server exited: ${output}`);
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => true,
      () => false,
    );
    if (up) return { output: () => output, stop: () => killGroup(server) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server did not answer: ${output}`);
}

/** Runs the named blocks in one bash session; returns each block's output by name. */
async function runBlocks(folder: string, port: number, names: string[]): Promise<Record<string, string>> {
  const blocks = quickStartBlocks();
  const script = names
    .map(
      (name) =>
        `echo '::block ${name}'\n${blocks.get(name)!.replaceAll('localhost:8000', `localhost:${port}`)}`,
    )
    .join('\n');
  writeFileSync(path.join(folder, 'quickstart.sh'), `set -e\n${script}\necho '::end'\n`);
  // What a person types at the terminal chat's prompt (step 7), then Ctrl-D.
  const child = spawn('bash', ['quickstart.sh'], { cwd: folder, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end('Once upon a time\n');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect({ code, stderr: code === 0 ? '' : stderr, stdout: code === 0 ? '' : stdout }).toEqual({
    code: 0,
    stderr: '',
    stdout: '',
  });
  expect(stdout).toContain('::end');
  const outputs: Record<string, string> = {};
  for (const part of stdout.split('::block ').slice(1)) {
    const name = part.slice(0, part.indexOf('\n'));
    outputs[name] = part.slice(name.length + 1);
  }
  return outputs;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'privatestack-quickstart-'));
  hub = await startModelHub();
  await buildOnce();
}, 300_000);
afterAll(() => {
  for (const server of servers) killGroup(server);
  hub?.close();
  rmSync(work, { recursive: true, force: true });
});

/** What steps 1-2 and 4-7 must show, whichever way the model was installed. */
function expectSignedInAndChatted(outputs: Record<string, string>, folder: string) {
  expect(outputs['sign-in']).toMatch(/^signed in: eyJ/m);
  expect(outputs['sign-in']).toMatch(/^password changed: eyJ/m);
  expect(existsSync(path.join(folder, 'data/initial-admin-password'))).toBe(false);
  const chat = outputs.chat!;
  expect(chat).toContain('{"status":"ok"}');
  const answer = /"response":"((?:[^"\\]|\\.)*)"/.exec(chat)?.[1] ?? '';
  expect(answer.trim().length).toBeGreaterThan(0);
  expect(chat).toMatch(/event: chunk\ndata: \{"content":/);
  expect(chat).toMatch(/event: done\n/);
  // The terminal chat answered the typed line with the same model.
  expect(chat).toContain(`model ${MODEL_ID}`);
  expect(chat).toMatch(
    new RegExp(`model ${MODEL_ID}, context \\d+\\n[\\s\\S]*\\S[\\s\\S]* \\(\\d+ tokens\\)`),
  );
  // Piped, it is plain text: no terminal colour codes and no `> ` prompts in the output.
  expect(chat).not.toContain('\x1b[');
  expect(chat).not.toMatch(/^> /m);
}

describe('README quick start', () => {
  it('marks the blocks the test runs, and its offline download is the catalogue file', () => {
    expect([...quickStartBlocks().keys()]).toEqual(['sign-in', 'online', 'offline', 'chat']);
    const entry = findCatalogEntry(MODEL_ID)!;
    expect(README).toContain(entry.url);
    expect(quickStartBlocks().get('offline')).toContain(`models add ${entry.fileName}`);
    expect(quickStartBlocks().get('online')).toContain(`models pull ${MODEL_ID}`);
  });

  it('works verbatim online: sign in, change the password, pull, chat', async () => {
    const port = await freePort();
    const folder = freshCheckout('online', port);
    const server = await startServer(folder, port);
    try {
      const outputs = await runBlocks(folder, port, ['sign-in', 'online', 'chat']);
      expect(outputs.online).toContain(MODEL_ID);
      expect(outputs.online).toContain(`sha256 ${STORIES_SHA256} (verified)`);
      expect(outputs.online).toContain('the active model');
      expect(hub.requests).toContain(new URL(findCatalogEntry(MODEL_ID)!.url).pathname);
      expectSignedInAndChatted(outputs, folder);
      expect(server.output()).toContain(`Model ${MODEL_ID} loaded`);
    } finally {
      server.stop();
    }
  }, 400_000);

  it('works verbatim offline: sign in, change the password, add a copied file, chat', async () => {
    const port = await freePort();
    const folder = freshCheckout('offline', port);
    // "copy the file into this folder": the one manual step, done here with the tiny model.
    copyFileSync(storiesModel(), path.join(folder, findCatalogEntry(MODEL_ID)!.fileName));
    const requestsBefore = hub.requests.length;
    const server = await startServer(folder, port);
    try {
      const outputs = await runBlocks(folder, port, ['sign-in', 'offline', 'chat']);
      expect(outputs.offline).toContain(`matches the catalogue's ${MODEL_ID}`);
      expect(outputs.offline).toContain(`${MODEL_ID} is the active model`);
      expect(hub.requests.length).toBe(requestsBefore);
      expectSignedInAndChatted(outputs, folder);
    } finally {
      server.stop();
    }
  }, 400_000);
});
