import { createReadStream, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { storiesModel } from './shared-models.js';

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
 * and, for the pull-safety tests, what a hostile or broken hub would: any path with `?to=<url>` (302 there),
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
    if (url === '/stories260K.gguf') {
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
