/**
 * GET over node:http(s) for model downloads: redirects followed by hand (each hop's scheme and, with a
 * guard, each connection's address checked), an idle timeout, and a fetch-style Response back.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { AppError } from '../../shared/errors.js';
import type { AddressGuard } from './pull-address-guard.js';

/** Redirects followed before giving up. */
export const MAX_REDIRECTS = 5;

/** Default idle time of a connection (no byte sent or received) before the download fails. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Options for httpGet. */
export interface HttpGetOptions {
  /** Request headers; `authorization` is dropped when a redirect leaves the origin. */
  readonly headers: Record<string, string>;
  /** Aborts the request or the body stream. */
  readonly signal?: AbortSignal;
  /** When set, every connection's address must pass it (API pulls); unset for the operator's CLI. */
  readonly guard?: AddressGuard;
  /** Idle timeout of the connection, in milliseconds. */
  readonly idleTimeoutMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A connection to one URL of the chain failed before any answer came (DNS, refused, unreachable,
 * TLS, timeout): nothing of the server was reached. Carries that hop's URL, which after a redirect is
 * not the one asked for, so the message can name the host a firewall actually has to let through.
 */
export class ConnectionFailure extends Error {
  /** The URL whose host could not be reached. */
  readonly url: URL;

  constructor(url: URL, cause: unknown) {
    super(`Could not connect to ${url.host}`, { cause });
    this.name = 'ConnectionFailure';
    this.url = url;
  }
}

/** GETs `url`, following up to MAX_REDIRECTS redirects; answers the final response. */
export async function httpGet(url: URL, options: HttpGetOptions): Promise<Response> {
  let current = url;
  let headers = options.headers;
  for (let hop = 0; ; hop++) {
    options.guard?.checkLiteral(current);
    const target = current;
    const message = await requestOnce(target, headers, options).catch((error: unknown) => {
      // The guard's refusals and our own errors already say what happened; the rest are network causes.
      throw error instanceof AppError ? error : new ConnectionFailure(target, error);
    });
    const location = message.headers.location;
    if (!REDIRECTS.has(message.statusCode ?? 0) || location === undefined) {
      return toResponse(message, current);
    }
    message.destroy();
    if (hop >= MAX_REDIRECTS) {
      throw new AppError('DOWNLOAD_FAILED', 'Too many redirects', { details: { host: current.host } });
    }
    const next = redirectTarget(current, location);
    // A token for one host must not travel to the next one (as fetch does on cross-origin redirects).
    if (next.origin !== current.origin) headers = withoutAuthorization(headers);
    current = next;
  }
}

function redirectTarget(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new AppError('DOWNLOAD_FAILED', 'The server redirected to an invalid address');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new AppError('MODEL_PULL_BLOCKED', 'The server redirected to a scheme other than http(s)');
  }
  return next;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}

function requestOnce(url: URL, headers: Record<string, string>, options: HttpGetOptions) {
  const client = url.protocol === 'https:' ? https : http;
  const timeout = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = client.request(url, {
      headers,
      signal: options.signal,
      timeout,
      // A fresh connection per hop: a pooled socket would skip the lookup that checks its address.
      agent: false,
      ...(options.guard && { lookup: options.guard.lookupFor(url) }),
    });
    let answer: IncomingMessage | undefined;
    request.once('response', (message) => {
      answer = message;
      resolve(message);
    });
    request.on('error', reject);
    request.on('timeout', () => {
      // A plain network error with the usual code, so it is described like any other timeout; once the
      // answer has begun, its body stream must fail with it too (else it reads as a reset connection).
      const stalled = Object.assign(new Error(`no data from ${url.host} for ${timeout / 1000} s`), {
        code: 'ETIMEDOUT',
      });
      answer?.destroy(stalled);
      request.destroy(stalled);
    });
    request.end();
  });
}

/**
 * Wraps a node response as a fetch Response, so callers read status, headers and a web stream; its
 * `url` is the URL that answered (after redirects), as fetch's is.
 */
function toResponse(message: IncomingMessage, url: URL): Response {
  const headers = new Headers();
  for (let index = 0; index + 1 < message.rawHeaders.length; index += 2) {
    headers.append(message.rawHeaders[index]!, message.rawHeaders[index + 1]!);
  }
  const status = message.statusCode ?? 0;
  if (status < 200 || status > 599) {
    message.destroy();
    throw new AppError('DOWNLOAD_FAILED', 'The server answered with an invalid status');
  }
  const empty = [204, 205, 304].includes(status);
  if (empty) message.destroy();
  const body = empty ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
  const response = new Response(body, { status, headers });
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}
