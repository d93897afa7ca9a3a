import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadModel } from './model-download.js';
import { createAddressGuard, type Resolver } from './pull-address-guard.js';

const FIXTURE = readFileSync(
  fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url)),
);
const MIB = 1024 * 1024;

/** A hub on 127.0.0.1 with the paths an attacker (or a broken mirror) would use; records what it served. */
function startHub(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    requests.push(url);
    if (url === '/model.gguf') return void response.writeHead(200).end(FIXTURE);
    if (url === '/health.gguf') {
      return void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"status":"ok","secret":"internal-only"}');
    }
    if (url === '/declared-huge.gguf') {
      // Announces 60 MiB: the client must refuse before reading any of it.
      response.writeHead(200, { 'content-length': String(60 * MIB) });
      return void response.write(FIXTURE.subarray(0, 1024));
    }
    if (url === '/endless.gguf') return void streamForever(response);
    if (url === '/stalled.gguf') {
      // Headers and the magic, then silence: the connection must not hang the pull forever.
      response.writeHead(200, { 'content-length': String(FIXTURE.length) });
      return void response.write(FIXTURE.subarray(0, 4096));
    }
    if (url.startsWith('/redirect?to=')) {
      return void response.writeHead(302, { location: decodeURIComponent(url.slice(13)) }).end();
    }
    if (url === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
    response.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, requests });
    }),
  );
}

/** A GGUF header, then zeros in chunks without a Content-Length, until the client goes away. */
function streamForever(response: import('node:http').ServerResponse): void {
  response.writeHead(200);
  response.write(FIXTURE.subarray(0, 64 * 1024));
  const timer = setInterval(() => {
    if (response.destroyed) return clearInterval(timer);
    response.write(Buffer.alloc(256 * 1024));
  }, 1);
  response.on('close', () => clearInterval(timer));
}

let hub: Awaited<ReturnType<typeof startHub>>;
let other: Awaited<ReturnType<typeof startHub>>;
let destinationDir = '';
const hubPort = () => new URL(hub.url).port;

beforeAll(async () => {
  hub = await startHub();
  other = await startHub();
});
afterAll(() => {
  hub.server.closeAllConnections();
  other.server.closeAllConnections();
  hub.server.close();
  other.server.close();
});
beforeEach(() => {
  destinationDir = mkdtempSync(path.join(os.tmpdir(), 'privatestack-pull-safety-'));
  hub.requests.length = 0;
  other.requests.length = 0;
});
afterEach(() => rmSync(destinationDir, { recursive: true, force: true }));

/** The hub alone is allowed, by address and port: every other local service stays out of reach. */
const hubOnly = () => createAddressGuard({ allowedHosts: [`127.0.0.1:${hubPort()}`] });

describe('what a download writes', () => {
  it('refuses a body that does not start with the GGUF magic and keeps none of it', async () => {
    await expect(
      downloadModel({ url: `${hub.url}/health.gguf`, destinationDir, guard: hubOnly() }),
    ).rejects.toMatchObject({ code: 'NOT_A_GGUF', message: expect.not.stringContaining('internal-only') });
    expect(readdirSync(destinationDir)).toEqual([]);
  });

  it('refuses a Content-Length over the cap before downloading', async () => {
    await expect(
      downloadModel({ url: `${hub.url}/declared-huge.gguf`, destinationDir, maxBytes: 10 * MIB }),
    ).rejects.toMatchObject({ code: 'MODEL_TOO_LARGE' });
    expect(readdirSync(destinationDir)).toEqual([]);
  });

  it('stops a body without a length once it passes the cap, and deletes what it wrote', async () => {
    await expect(
      downloadModel({ url: `${hub.url}/endless.gguf`, destinationDir, maxBytes: 2 * MIB }),
    ).rejects.toMatchObject({ code: 'MODEL_TOO_LARGE' });
    expect(readdirSync(destinationDir)).toEqual([]);
  });

  it('gives up on a connection that stops sending, keeping the part for a resume', async () => {
    await expect(
      downloadModel({ url: `${hub.url}/stalled.gguf`, destinationDir, idleTimeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      retryable: true,
      message: `The download from ${new URL(hub.url).host} broke off: no answer in time (ETIMEDOUT: a firewall may be dropping the connection)`,
    });
    expect(readdirSync(destinationDir)).toContain('stalled.gguf.part');
  });

  it('accepts a real model within the cap', async () => {
    const result = await downloadModel({
      url: `${hub.url}/model.gguf`,
      destinationDir,
      maxBytes: FIXTURE.length,
      guard: hubOnly(),
    });
    expect(result.sizeBytes).toBe(FIXTURE.length);
  });
});

describe('where a guarded download may connect', () => {
  it('refuses a loopback address that is not on the allow-list, without connecting', async () => {
    const guard = createAddressGuard({ allowedHosts: [] });
    await expect(
      downloadModel({ url: `${hub.url}/model.gguf`, destinationDir, guard }),
    ).rejects.toMatchObject({ code: 'MODEL_PULL_BLOCKED' });
    expect(hub.requests).toEqual([]);
  });

  it('checks every redirect hop: a redirect to another local service is refused before it is asked', async () => {
    const target = encodeURIComponent(`${other.url}/model.gguf`);
    await expect(
      downloadModel({
        url: `${hub.url}/redirect?to=${target}`,
        destinationDir,
        fileName: 'm.gguf',
        guard: hubOnly(),
      }),
    ).rejects.toMatchObject({ code: 'MODEL_PULL_BLOCKED' });
    expect(other.requests).toEqual([]);
  });

  it('checks the name a redirect leads to at connection time, through the connection’s own lookup', async () => {
    const toLocalhost: Resolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const guard = createAddressGuard({ allowedHosts: [`127.0.0.1:${hubPort()}`], resolve: toLocalhost });
    const target = encodeURIComponent(`http://internal.example:${new URL(other.url).port}/model.gguf`);
    await expect(
      downloadModel({ url: `${hub.url}/redirect?to=${target}`, destinationDir, fileName: 'm.gguf', guard }),
    ).rejects.toMatchObject({ code: 'MODEL_PULL_BLOCKED' });
    expect(other.requests).toEqual([]);

    // The same name, allow-listed, connects through that same injected resolver: it is the one in use.
    const trusting = createAddressGuard({
      allowedHosts: [`127.0.0.1:${hubPort()}`, 'internal.example'],
      resolve: toLocalhost,
    });
    const result = await downloadModel({
      url: `${hub.url}/redirect?to=${target}`,
      destinationDir,
      fileName: 'm.gguf',
      guard: trusting,
    });
    expect(result.sizeBytes).toBe(FIXTURE.length);
    expect(other.requests).toEqual(['/model.gguf']);
  });

  it('refuses redirects to other schemes and endless redirect loops', async () => {
    await expect(
      downloadModel({
        url: `${hub.url}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`,
        destinationDir,
        fileName: 'm.gguf',
      }),
    ).rejects.toMatchObject({ code: 'MODEL_PULL_BLOCKED' });
    await expect(
      downloadModel({ url: `${hub.url}/loop`, destinationDir, fileName: 'm.gguf' }),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: 'Too many redirects' });
    expect(hub.requests.filter((request) => request === '/loop')).toHaveLength(6);
    expect(existsSync(path.join(destinationDir, 'm.gguf'))).toBe(false);
  });
});
