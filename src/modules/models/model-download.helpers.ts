/** Small pieces of the downloader: HTTP and network errors, headers, URL and name checks, files. */
import { stat, unlink } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { AppError } from '../../shared/errors.js';
import { describeNetworkCause, networkCauseCode } from './network-causes.js';
import { ConnectionFailure } from './pull-http-client.js';

/** Accepted SHA-256 spelling: 64 lower-case hex digits. */
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** Turns a non-2xx answer into DOWNLOAD_FAILED, retryable for 5xx, 408 and 429. */
export async function httpError(response: Response, url: URL): Promise<AppError> {
  await response.body?.cancel();
  const status = response.status;
  // After redirects the answer may come from another host (a CDN): name the one that answered.
  const host = new URL(response.url || url.href).host;
  const reason = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
  // Server-side failures and throttling are worth retrying; 4xx answers will not change.
  const retryable = status >= 500 || status === 408 || status === 429;
  return new AppError('DOWNLOAD_FAILED', `${host} answered HTTP ${status}${reason} for ${url.href}`, {
    retryable,
    details: { upstreamStatus: status, host },
  });
}

/**
 * Maps a connection or stream failure to a retryable DOWNLOAD_FAILED naming the host and the cause
 * (details: `host`, `cause` = the system error code, `reached` = whether any answer came); an abort
 * passes through as itself.
 */
export function networkError(error: unknown, url: URL, signal: AbortSignal | undefined): unknown {
  // Aborts are the caller's decision, not a failure: surface the abort reason unchanged.
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof AppError) return error;
  const connecting = error instanceof ConnectionFailure;
  const host = connecting ? error.url.host : url.host;
  const code = networkCauseCode(connecting ? error.cause : error);
  const cause = code === undefined && error instanceof Error ? error.message : describeNetworkCause(code);
  const message = connecting
    ? `Could not reach ${host}: ${cause}`
    : `The download from ${host} broke off: ${cause}`;
  return new AppError('DOWNLOAD_FAILED', message, {
    retryable: true,
    cause: error,
    details: { host, cause: code ?? null, reached: !connecting },
  });
}

/** Parses `Content-Range: bytes start-end/total` or `bytes * /total`; total is undefined when `*`. */
export function contentRange(response: Response): { start?: number; total?: number } | undefined {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(
    response.headers.get('content-range')?.trim() ?? '',
  );
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[2] === undefined || match[2] === '*' ? undefined : Number(match[2]),
  };
}

/** The Content-Length header as a number, when present and valid. */
export function contentLength(response: Response): number | undefined {
  const value = response.headers.get('content-length');
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Accepts only http(s) URLs; anything else is a VALIDATION_ERROR. */
export function parseHttpUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new AppError('VALIDATION_ERROR', `'${input}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('VALIDATION_ERROR', `Only http and https URLs can be downloaded, got ${url.protocol}`);
  }
  return url;
}

/** The last path segment of a URL, decoded. */
export function fileNameFromUrl(url: URL): string {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError('VALIDATION_ERROR', `The URL path ends in an undecodable file name: '${segment}'`);
  }
}

/** Refuses names that could escape the models folder or hide as dot-files. */
export function checkFileName(fileName: string): string {
  const unsafe =
    fileName === '' || fileName.startsWith('.') || /[/\\\0]/.test(fileName) || fileName.includes('..');
  if (unsafe) throw new AppError('VALIDATION_ERROR', `Refusing unsafe file name '${fileName}'`);
  return fileName;
}

/** Normalises a SHA-256 to lower-case hex; VALIDATION_ERROR when malformed. */
export function checkSha256(value: string): string {
  const normalised = value.trim().toLowerCase();
  if (!SHA256_PATTERN.test(normalised)) {
    throw new AppError('VALIDATION_ERROR', 'The expected SHA-256 must be 64 hexadecimal characters');
  }
  return normalised;
}

/** Size of a file in bytes, 0 when it does not exist. */
export async function sizeOf(filePath: string): Promise<number> {
  try {
    return (await stat(filePath)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Deletes a file if it exists. */
export async function removeIfPresent(filePath: string): Promise<void> {
  try {
    await unlink(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
