import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { findCatalogEntry, listCatalog } from './model-catalog.js';
import { downloadModel, resolvePullTarget } from './model-download.js';

// The shared fixtures live beside the project root (see shared/models/README.md).
const MODELS_DIR = fileURLToPath(new URL('../../../../shared/models/', import.meta.url));
const FIXTURE_NAME = 'stories260K.gguf';
const FIXTURE = readFileSync(path.join(MODELS_DIR, FIXTURE_NAME));
const FIXTURE_SHA256 = pinnedSha256(FIXTURE_NAME);

function pinnedSha256(fileName: string): string {
  const sums = readFileSync(path.join(MODELS_DIR, 'SHA256SUMS'), 'utf8');
  const line = sums.split('\n').find((candidate) => candidate.trim().endsWith(`  ${fileName}`));
  if (!line) throw new Error(`${fileName} is not pinned in SHA256SUMS`);
  return line.split(/\s+/)[0] ?? '';
}

/** How the test server misbehaves for the next requests. */
interface ServerBehaviour {
  /** Answer every request with this status and no body. */
  status?: number;
  /** Answer 200 with the whole file even when a Range is asked for. */
  ignoreRange?: boolean;
  /** On the first request, send this many body bytes and then drop the connection. */
  cutFirstResponseAfter?: number;
  /** Pause between 64 KiB chunks so a client can abort mid-body. */
  chunkDelayMs?: number;
  /** Answer every request with a 302 to this URL. */
  redirectTo?: string;
}

/** A real HTTP server on 127.0.0.1 that serves the fixture with Range support and records requests. */
class FixtureServer {
  behaviour: ServerBehaviour = {};
  readonly ranges: (string | undefined)[] = [];
  private readonly server: Server = createServer((request, response) => {
    void this.handle(request, response);
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.ranges.push(request.headers.range);
    const { status, ignoreRange, cutFirstResponseAfter, redirectTo } = this.behaviour;
    if (status !== undefined) return void response.writeHead(status).end();
    if (redirectTo !== undefined) return void response.writeHead(302, { location: redirectTo }).end();
    if (request.url !== `/files/${FIXTURE_NAME}`) return void response.writeHead(404).end();
    const start = ignoreRange ? undefined : rangeStart(request.headers.range);
    if (start !== undefined && start >= FIXTURE.length) {
      return void response.writeHead(416, { 'content-range': `bytes */${FIXTURE.length}` }).end();
    }
    const body = FIXTURE.subarray(start ?? 0);
    response.writeHead(start === undefined ? 200 : 206, {
      'content-length': String(body.length),
      'content-type': 'application/octet-stream',
      ...(start === undefined
        ? {}
        : { 'content-range': `bytes ${start}-${FIXTURE.length - 1}/${FIXTURE.length}` }),
    });
    if (cutFirstResponseAfter !== undefined && this.ranges.length === 1) {
      response.write(body.subarray(0, cutFirstResponseAfter), () => response.socket?.destroy());
      return;
    }
    await this.sendInChunks(response, body);
  }

  private async sendInChunks(response: ServerResponse, body: Buffer): Promise<void> {
    const chunkSize = 64 * 1024;
    for (let offset = 0; offset < body.length && !response.destroyed; offset += chunkSize) {
      response.write(body.subarray(offset, offset + chunkSize));
      if (this.behaviour.chunkDelayMs)
        await new Promise((resolve) => setTimeout(resolve, this.behaviour.chunkDelayMs));
    }
    response.end();
  }
}

function rangeStart(header: string | undefined): number | undefined {
  const match = header ? /^bytes=(\d+)-$/.exec(header) : null;
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function sha256Of(filePath: string): string {
  return createHash('sha256').update(readFileSync(filePath)).digest('hex');
}

const server = new FixtureServer();
let baseUrl = '';
let fileUrl = '';
let destinationDir = '';

beforeAll(async () => {
  // A corrupted fixture would make every assertion below meaningless: fail loudly instead.
  expect(createHash('sha256').update(FIXTURE).digest('hex')).toBe(FIXTURE_SHA256);
  baseUrl = await server.start();
  fileUrl = `${baseUrl}/files/${FIXTURE_NAME}`;
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  destinationDir = mkdtempSync(path.join(os.tmpdir(), 'privatestack-download-'));
  server.behaviour = {};
  server.ranges.length = 0;
});

afterEach(() => {
  rmSync(destinationDir, { recursive: true, force: true });
});

describe('downloadModel', () => {
  it('downloads the whole file, reports progress up to the total and verifies the hash', async () => {
    const progress: [number, number | undefined][] = [];
    const result = await downloadModel({
      url: fileUrl,
      destinationDir,
      expectedSha256: FIXTURE_SHA256.toUpperCase(),
      onProgress: (received, total) => progress.push([received, total]),
    });

    expect(result).toEqual({
      filePath: path.join(destinationDir, FIXTURE_NAME),
      sha256: FIXTURE_SHA256,
      sizeBytes: FIXTURE.length,
      resumed: false,
    });
    expect(sha256Of(result.filePath)).toBe(FIXTURE_SHA256);
    expect(existsSync(`${result.filePath}.part`)).toBe(false);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toEqual([FIXTURE.length, FIXTURE.length]);
    expect(progress.every(([, total]) => total === FIXTURE.length)).toBe(true);
  });

  it('resumes with a Range request after the connection dropped mid-body', async () => {
    server.behaviour = { cutFirstResponseAfter: 400_000 };
    const firstAttempt = downloadModel({ url: fileUrl, destinationDir });
    await expect(firstAttempt).rejects.toBeInstanceOf(AppError);
    await expect(firstAttempt).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', retryable: true });
    const partPath = path.join(destinationDir, `${FIXTURE_NAME}.part`);
    const kept = statSync(partPath).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(FIXTURE.length);

    const result = await downloadModel({ url: fileUrl, destinationDir, expectedSha256: FIXTURE_SHA256 });

    expect(server.ranges).toEqual([undefined, `bytes=${kept}-`]);
    expect(result).toMatchObject({ resumed: true, sha256: FIXTURE_SHA256, sizeBytes: FIXTURE.length });
    expect(sha256Of(result.filePath)).toBe(FIXTURE_SHA256);
    expect(existsSync(partPath)).toBe(false);
  });

  it('keeps the part when aborted through the signal, and the next call resumes it', async () => {
    server.behaviour = { chunkDelayMs: 20 };
    const controller = new AbortController();
    const onProgress = (received: number): void => (received >= 200_000 ? controller.abort() : undefined);
    await expect(
      downloadModel({ url: fileUrl, destinationDir, signal: controller.signal, onProgress }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const kept = statSync(path.join(destinationDir, `${FIXTURE_NAME}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(FIXTURE.length);

    server.behaviour = {};
    const result = await downloadModel({ url: fileUrl, destinationDir, expectedSha256: FIXTURE_SHA256 });

    expect(server.ranges.at(-1)).toBe(`bytes=${kept}-`);
    expect(result).toMatchObject({ resumed: true, sha256: FIXTURE_SHA256 });
  });

  it('restarts from zero when the server ignores Range and answers 200', async () => {
    server.behaviour = { ignoreRange: true };
    const partPath = path.join(destinationDir, `${FIXTURE_NAME}.part`);
    // Garbage in the part proves the file is rewritten rather than appended to. It starts with the
    // GGUF magic, as every part the downloader keeps does (a part without it is discarded up front).
    writeFileSync(partPath, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(300_000 - 4, 0xab)]));
    writeFileSync(`${partPath}.json`, JSON.stringify({ url: fileUrl }));

    const result = await downloadModel({ url: fileUrl, destinationDir, expectedSha256: FIXTURE_SHA256 });

    expect(server.ranges).toEqual(['bytes=300000-']);
    expect(result).toMatchObject({ resumed: false, sizeBytes: FIXTURE.length, sha256: FIXTURE_SHA256 });
    expect(sha256Of(result.filePath)).toBe(FIXTURE_SHA256);
  });

  it('finishes a part that is already complete when the server answers 416', async () => {
    copyFileSync(path.join(MODELS_DIR, FIXTURE_NAME), path.join(destinationDir, `${FIXTURE_NAME}.part`));
    writeFileSync(path.join(destinationDir, `${FIXTURE_NAME}.part.json`), JSON.stringify({ url: fileUrl }));

    const result = await downloadModel({ url: fileUrl, destinationDir, expectedSha256: FIXTURE_SHA256 });

    expect(server.ranges).toEqual([`bytes=${FIXTURE.length}-`]);
    expect(result).toMatchObject({ resumed: true, sha256: FIXTURE_SHA256, sizeBytes: FIXTURE.length });
  });

  it('never continues a part that came from another URL', async () => {
    const partPath = path.join(destinationDir, `${FIXTURE_NAME}.part`);
    writeFileSync(partPath, Buffer.alloc(300_000, 0xab));
    writeFileSync(
      `${partPath}.json`,
      JSON.stringify({ url: 'http://127.0.0.1:1/elsewhere/stories260K.gguf' }),
    );

    const result = await downloadModel({ url: fileUrl, destinationDir, expectedSha256: FIXTURE_SHA256 });

    expect(server.ranges).toEqual([undefined]);
    expect(result).toMatchObject({ resumed: false, sha256: FIXTURE_SHA256 });
    expect(existsSync(`${partPath}.json`)).toBe(false);
  });

  it('continues a part from another URL (a mirror) only under the same SHA-256 pin', async () => {
    const partPath = path.join(destinationDir, `${FIXTURE_NAME}.part`);
    const half = Math.floor(FIXTURE.length / 2);
    const mirrorPart = (sha256: string) => {
      writeFileSync(partPath, FIXTURE.subarray(0, half));
      const state = { url: 'http://127.0.0.1:1/old-hub/stories260K.gguf', validator: '"old"', sha256 };
      writeFileSync(`${partPath}.json`, JSON.stringify(state));
    };

    mirrorPart('ab'.repeat(32));
    const otherPin = await downloadModel({ url: fileUrl, destinationDir, expectedSha256: FIXTURE_SHA256 });
    expect(otherPin).toMatchObject({ resumed: false, sha256: FIXTURE_SHA256 });
    rmSync(path.join(destinationDir, FIXTURE_NAME));

    mirrorPart(FIXTURE_SHA256);
    const samePin = await downloadModel({ url: fileUrl, destinationDir, expectedSha256: FIXTURE_SHA256 });
    expect(samePin).toMatchObject({ resumed: true, sha256: FIXTURE_SHA256, sizeBytes: FIXTURE.length });
    expect(server.ranges).toEqual([undefined, `bytes=${half}-`]);
    expect(readFileSync(path.join(destinationDir, FIXTURE_NAME)).equals(FIXTURE)).toBe(true);
  });

  it('deletes the download and reports INTEGRITY_ERROR when the hash does not match', async () => {
    await expect(
      downloadModel({ url: fileUrl, destinationDir, expectedSha256: 'ab'.repeat(32) }),
    ).rejects.toMatchObject({ code: 'INTEGRITY_ERROR', details: { actual: FIXTURE_SHA256 } });

    expect(existsSync(path.join(destinationDir, FIXTURE_NAME))).toBe(false);
    expect(existsSync(path.join(destinationDir, `${FIXTURE_NAME}.part`))).toBe(false);
  });

  it('reports 404 as DOWNLOAD_FAILED that is not worth retrying', async () => {
    await expect(
      downloadModel({ url: `${baseUrl}/files/missing.gguf`, destinationDir }),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', retryable: false, details: { upstreamStatus: 404 } });

    expect(existsSync(path.join(destinationDir, 'missing.gguf.part'))).toBe(false);
  });

  it('reports 503 as a retryable DOWNLOAD_FAILED', async () => {
    server.behaviour = { status: 503 };

    await expect(downloadModel({ url: fileUrl, destinationDir })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      retryable: true,
      details: { upstreamStatus: 503 },
    });
  });

  it('reports an unreachable server as a retryable DOWNLOAD_FAILED', async () => {
    const closed = new FixtureServer();
    const closedUrl = await closed.start();
    await closed.stop();

    await expect(
      downloadModel({ url: `${closedUrl}/files/${FIXTURE_NAME}`, destinationDir }),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', retryable: true });
  });

  it('names the host and the cause when nothing answers, and keeps nothing', async () => {
    const closed = new FixtureServer();
    const closedUrl = await closed.start();
    await closed.stop();
    const closedHost = new URL(closedUrl).host;
    const unresolvable = 'http://nonexistent.invalid/models/tiny.gguf'; // .invalid never resolves (RFC 2606)

    await expect(
      downloadModel({ url: `${closedUrl}/files/${FIXTURE_NAME}`, destinationDir }),
    ).rejects.toMatchObject({
      message: `Could not reach ${closedHost}: the connection was refused (ECONNREFUSED: nothing listens there, or a firewall rejects it)`,
      details: { host: closedHost, cause: 'ECONNREFUSED', reached: false },
    });
    const dns = await downloadModel({ url: unresolvable, destinationDir }).catch((error: unknown) => error);
    expect(dns).toMatchObject({
      code: 'DOWNLOAD_FAILED',
      details: { host: 'nonexistent.invalid', reached: false },
    });
    // ENOTFOUND with a DNS server that answers; EAI_AGAIN on a machine that has none at all.
    expect((dns as AppError).message).toMatch(
      /^Could not reach nonexistent\.invalid: the host name (does not resolve \(ENOTFOUND|could not be looked up \(EAI_AGAIN)/,
    );
    expect(readdirSync(destinationDir)).toEqual([]);
  });

  it('names the host a redirect led to when that one cannot be reached', async () => {
    server.behaviour = { redirectTo: 'http://cdn.nonexistent.invalid/blob/tiny.gguf' };

    await expect(downloadModel({ url: fileUrl, destinationDir })).rejects.toMatchObject({
      message: expect.stringMatching(/^Could not reach cdn\.nonexistent\.invalid: /),
      details: { host: 'cdn.nonexistent.invalid', reached: false },
    });
  });

  it('names the host and the byte count when a transfer breaks off, keeping the part', async () => {
    server.behaviour = { cutFirstResponseAfter: 400_000 };
    const host = new URL(baseUrl).host;

    const failure = await downloadModel({ url: fileUrl, destinationDir }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'DOWNLOAD_FAILED',
      retryable: true,
      details: { host, reached: true },
    });
    expect((failure as AppError).message).toBe(
      `The download from ${host} broke off: the connection was reset (ECONNRESET)`,
    );
    expect(statSync(path.join(destinationDir, `${FIXTURE_NAME}.part`)).size).toBeGreaterThan(0);
  });

  it('says which host answered which HTTP status', async () => {
    await expect(
      downloadModel({ url: `${baseUrl}/files/missing.gguf`, destinationDir }),
    ).rejects.toMatchObject({
      message: `${new URL(baseUrl).host} answered HTTP 404 Not Found for ${baseUrl}/files/missing.gguf`,
    });
  });

  it('refuses non-http URLs and file names that could escape the folder', async () => {
    await expect(downloadModel({ url: 'file:///etc/passwd', destinationDir })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    for (const fileName of ['../escape.gguf', 'sub/model.gguf', 'sub\\model.gguf', '..']) {
      await expect(downloadModel({ url: fileUrl, destinationDir, fileName })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
    }
    expect(server.ranges).toEqual([]);
  });
});

describe('resolvePullTarget', () => {
  it('resolves a catalogue name to its pinned URL and hash', () => {
    const entry = findCatalogEntry('qwen2.5-0.5b-instruct');
    const target = resolvePullTarget('Qwen2.5-0.5B-Instruct');

    expect(entry).toBeDefined();
    expect(target).toEqual({
      url: entry?.url,
      fileName: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf',
      expectedSha256: entry?.sha256,
      entry,
    });
  });

  it('takes the file name from a direct URL path', () => {
    const target = resolvePullTarget(
      'https://example.com/org/repo/resolve/main/My%20Model.Q4_K_M.gguf?download=1',
    );

    expect(target).toEqual({
      url: 'https://example.com/org/repo/resolve/main/My%20Model.Q4_K_M.gguf?download=1',
      fileName: 'My Model.Q4_K_M.gguf',
    });
  });

  it('reports an unknown name as NOT_FOUND', () => {
    expect(() => resolvePullTarget('no-such-model')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('refuses URLs that do not point to a .gguf file', () => {
    expect(() => resolvePullTarget('https://example.com/model.bin')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
    expect(() => resolvePullTarget('ftp://example.com/model.gguf')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
  });
});

describe('model catalogue', () => {
  it('has unique names and consistent, pinned download entries', () => {
    const entries = listCatalog();
    expect(new Set(entries.map((entry) => entry.name)).size).toBe(entries.length);
    for (const entry of entries) {
      expect(entry.url).toBe(
        `https://huggingface.co/${entry.repository}/resolve/${entry.revision}/${entry.fileName}`,
      );
      expect(entry.fileName.endsWith('.gguf')).toBe(true);
      expect(entry.revision).toMatch(/^[0-9a-f]{40}$/);
      if (entry.sha256 !== undefined) expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.ramEstimateMiB).toBeGreaterThan(entry.sizeBytes / (1024 * 1024));
    }
    expect(entries.filter((entry) => entry.reasoning).map((entry) => entry.name)).toEqual([
      'deepseek-r1-distill-qwen-1.5b',
    ]);
    expect(entries.filter((entry) => entry.kind === 'embedding').map((entry) => entry.name)).toEqual([
      'bge-small-en-v1.5',
    ]);
  });
});
