import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import path from 'node:path';
import { findCatalogEntry } from '../../src/modules/models/model-catalog.js';
import { storiesModel } from './shared-models.js';

/** stories260K.gguf's published SHA-256 (../shared/models/SHA256SUMS) and size. */
export const STORIES_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
export const STORIES_BYTES = 1_185_376;

/** A hub path in Hugging Face's layout: `/<owner>/<repo>/resolve/<revision>/<file>.gguf`. */
const CATALOGUE_PATH = /^\/[^/]+\/[^/]+\/resolve\/[^/]+\/[^/]+\.gguf$/;

/** A running local hub. */
export interface ModelHub {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its port, for MODEL_PULL_ALLOWED_HOSTS entries such as `127.0.0.1:<port>`. */
  readonly port: number;
  /** Request paths in arrival order. */
  readonly requests: string[];
  /** Body bytes written by /big.gguf so far. */
  readonly bigBytesSent: () => number;
  close: () => void;
}

/** Size of /big.gguf: the 60 MiB body the security review saw accepted without a cap. */
export const BIG_MODEL_BYTES = 60 * 1024 * 1024;

/**
 * A local stand-in for a model hub on 127.0.0.1. It serves the real tiny GGUF at /stories260K.gguf
 * and at every catalogue path (`/<owner>/<repo>/resolve/<revision>/<file>.gguf`, as MODEL_HUB_URL
 * downloads use) and, for the pull-safety tests, what a hostile or broken hub would: any path with `?to=<url>` (302 there),
 * `/status.gguf` (JSON, not a model), `/broken.gguf` (500 with a body) and `/big.gguf` (a GGUF header
 * followed by 60 MiB sent without a Content-Length).
 */
export async function startModelHub(): Promise<ModelHub> {
  const requests: string[] = [];
  let bigSent = 0;
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    requests.push(url);
    const redirect = new URL(url, 'http://hub').searchParams.get('to');
    if (redirect !== null) return void response.writeHead(302, { location: redirect }).end();
    if (url === '/stories260K.gguf' || CATALOGUE_PATH.test(url)) {
      response.writeHead(200, { 'content-length': statSync(storiesModel()).size });
      return void createReadStream(storiesModel()).pipe(response);
    }
    if (url === '/status.gguf') {
      return void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"status":"ok","internal_token":"hub-secret-4711"}');
    }
    if (url === '/broken.gguf')
      return void response.writeHead(500).end('upstream stack trace: hub-secret-4711');
    if (url === '/big.gguf') return void sendBig(response, (bytes) => (bigSent += bytes));
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    bigBytesSent: () => bigSent,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Writes the GGUF magic, then zeros, respecting backpressure, until BIG_MODEL_BYTES or the client leaves. */
function sendBig(response: ServerResponse, count: (bytes: number) => void): void {
  response.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = Buffer.alloc(256 * 1024);
  chunk.write('GGUF', 'latin1');
  let sent = 0;
  const pump = () => {
    while (sent < BIG_MODEL_BYTES && !response.destroyed) {
      sent += chunk.length;
      count(chunk.length);
      if (!response.write(sent === chunk.length ? chunk : Buffer.alloc(chunk.length))) {
        return void response.once('drain', pump);
      }
    }
    if (!response.destroyed) response.end();
  };
  pump();
}

/**
 * Writes a MODEL_CATALOG_FILE that maps the built-in catalogue id `id` (same repository, revision and
 * file name) to the tiny model's real hash and size, so a pull of `id` from the local hub verifies.
 */
export function writeStoriesCatalog(directory: string, id: string): string {
  const entry = findCatalogEntry(id);
  if (!entry) throw new Error(`no built-in catalogue entry ${id}`);
  const file = path.join(directory, 'test-catalog.json');
  const model = {
    id,
    file_name: entry.fileName,
    repository: entry.repository,
    revision: entry.revision,
    size_bytes: STORIES_BYTES,
    sha256: STORIES_SHA256,
    kind: 'chat',
    description: 'stories260K standing in for this id in tests',
  };
  writeFileSync(file, JSON.stringify({ models: [model] }, null, 2));
  return file;
}
