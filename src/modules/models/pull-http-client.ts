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

/** GETs `url`, following up to MAX_REDIRECTS redirects; answers the final response. */
export async function httpGet(url: URL, options: HttpGetOptions): Promise<Response> {
  let current = url;
  let headers = options.headers;
  for (let hop = 0; ; hop++) {
    options.guard?.checkLiteral(current);
    const message = await requestOnce(current, headers, options);
    const location = message.headers.location;
    if (!REDIRECTS.has(message.statusCode ?? 0) || location === undefined) return toResponse(message);
    message.destroy();
    if (hop >= MAX_REDIRECTS) throw new AppError('DOWNLOAD_FAILED', 'Too many redirects');
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
    request.once('response', resolve);
    request.on('error', reject);
    request.on('timeout', () => {
      request.destroy(
        new AppError('DOWNLOAD_FAILED', `No data from ${url.host} for ${timeout} ms`, { retryable: true }),
      );
    });
    request.end();
  });
}

/** Wraps a node response as a fetch Response, so callers read status, headers and a web stream. */
function toResponse(message: IncomingMessage): Response {
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
  return new Response(body, { status, headers });
}
