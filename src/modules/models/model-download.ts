import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { AppError } from '../../shared/errors.js';
import { createBodyChecks, startsWithGgufMagic, tooLarge } from './download-body-checks.js';
import { readPartState, removePartState, writePartState } from './download-part-state.js';
import { createModelCatalog, type CatalogEntry, type ModelCatalog } from './model-catalog.js';
import {
  httpError,
  networkError,
  contentRange,
  contentLength,
  parseHttpUrl,
  fileNameFromUrl,
  checkFileName,
  checkSha256,
  sizeOf,
  removeIfPresent,
} from './model-download.helpers.js';
import type { AddressGuard } from './pull-address-guard.js';
import { httpGet } from './pull-http-client.js';

/** Options for downloadModel. */
export interface DownloadModelOptions {
  /** http(s) URL of the file; redirects are followed. */
  url: string;
  /** Folder the model is saved in; created when missing. */
  destinationDir: string;
  /** Name to save under; defaults to the last segment of the URL path. */
  fileName?: string;
  /** Hex SHA-256 the finished file must have; a mismatch deletes the download. */
  expectedSha256?: string;
  /** Aborting stops the transfer and keeps the `.part` file for a later resume. */
  signal?: AbortSignal;
  /** Called as bytes arrive, counting bytes already on disk from an earlier attempt. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
  /** When set, every connection (each redirect hop too) must reach an address it allows. */
  guard?: AddressGuard;
  /** Largest file accepted: a larger Content-Length is refused at once, a longer body when it gets there. */
  maxBytes?: number;
  /** A connection idle this long (no byte either way) fails the download; default 60 s. */
  idleTimeoutMs?: number;
  /** Extra request headers, e.g. `Authorization` for gated Hugging Face repositories. */
  headers?: Record<string, string>;
}

/** A finished, verified download. */
export interface DownloadModelResult {
  /** Absolute path of the final file. */
  filePath: string;
  /** Lower-case hex SHA-256 of the whole file, computed while downloading. */
  sha256: string;
  /** Size of the file in bytes. */
  sizeBytes: number;
  /** True when bytes from an earlier interrupted attempt were kept. */
  resumed: boolean;
}

/** What `models pull` should fetch for a catalogue name or a direct URL. */
export interface PullTarget {
  /** URL to download. */
  url: string;
  /** Name to save the file under. */
  fileName: string;
  /** Pinned hash from the catalogue, when it has one. */
  expectedSha256?: string;
  /** The catalogue entry the target came from, when it did. */
  entry?: CatalogEntry;
}

/** Downloads to `<file>.part`, resuming it with a Range request, then verifies and renames atomically. */
export async function downloadModel(options: DownloadModelOptions): Promise<DownloadModelResult> {
  const url = parseHttpUrl(options.url);
  const fileName = checkFileName(options.fileName ?? fileNameFromUrl(url));
  const expected = options.expectedSha256 === undefined ? undefined : checkSha256(options.expectedSha256);
  await mkdir(options.destinationDir, { recursive: true });
  const filePath = path.resolve(options.destinationDir, fileName);
  const partPath = `${filePath}.part`;

  // A part of unknown origin, or from another URL without the same pin, is never continued: its bytes
  // may be another file. Same pin, other URL (a mirror of the same file): the hash check below decides.
  const state = await readPartState(partPath);
  const sameUrl = state?.url === url.href;
  const samePin = expected !== undefined && state?.sha256 === expected;
  // A part that does not start with the GGUF magic was never a model: nothing in it is worth keeping.
  if (!(sameUrl || samePin) || !(await startsWithGgufMagic(partPath))) await removeIfPresent(partPath);
  const outcome = await attempt(
    // Another server's validator means nothing here (If-Range would refuse every resume).
    { options, url, partPath, validator: sameUrl ? state?.validator : undefined, expected },
    await sizeOf(partPath),
  ).catch(async (error: unknown) => {
    // These bytes will never become a model: keep nothing of them.
    if (error instanceof AppError && (error.code === 'NOT_A_GGUF' || error.code === 'MODEL_TOO_LARGE')) {
      await removeIfPresent(partPath);
      await removePartState(partPath);
    }
    throw error;
  });
  if (expected !== undefined && outcome.sha256 !== expected) {
    await removeIfPresent(partPath);
    await removePartState(partPath);
    const actual = outcome.sha256;
    throw new AppError('INTEGRITY_ERROR', `${fileName} has SHA-256 ${actual}, expected ${expected}`, {
      details: { expected, actual },
    });
  }
  await rename(partPath, filePath);
  await removePartState(partPath);
  return { filePath, ...outcome };
}

const BUILT_IN_CATALOG = createModelCatalog();

/**
 * Resolves `models pull` input: a catalogue name, or an http(s) URL of a `.gguf` file. The server and
 * CLI pass the configured catalogue (MODEL_HUB_URL, MODEL_CATALOG_FILE); the default is the built-in one.
 */
export function resolvePullTarget(nameOrUrl: string, catalog: ModelCatalog = BUILT_IN_CATALOG): PullTarget {
  const input = nameOrUrl.trim();
  if (input.includes('://')) {
    const url = parseHttpUrl(input);
    const fileName = checkFileName(fileNameFromUrl(url));
    if (!fileName.toLowerCase().endsWith('.gguf')) {
      throw new AppError('VALIDATION_ERROR', `The URL must point to a .gguf file, got '${fileName}'`);
    }
    const entry = catalog.list().find((candidate) => candidate.url === url.href);
    return entry ? targetFor(entry) : { url: url.href, fileName };
  }
  const entry = catalog.find(input);
  if (!entry) {
    throw new AppError(
      'NOT_FOUND',
      `No model named '${input}' in the catalogue; run 'npx privatestack models catalog' or pass an https URL to a .gguf file`,
    );
  }
  return targetFor(entry);
}

/** Margin over a catalogue size: exact sizes get 1 % (headroom, the hash decides), estimates 25 %. */
const EXACT_SIZE_MARGIN = 1.01;
const ESTIMATED_SIZE_MARGIN = 1.25;

/** Largest size a pull may reach: its catalogue entry's size with a margin, else `fallbackBytes`. */
export function pullSizeLimit(target: PullTarget, fallbackBytes: number): number {
  if (!target.entry) return fallbackBytes;
  const margin = target.entry.sizeApproximate ? ESTIMATED_SIZE_MARGIN : EXACT_SIZE_MARGIN;
  return Math.ceil(target.entry.sizeBytes * margin);
}

function targetFor(entry: CatalogEntry): PullTarget {
  return { url: entry.url, fileName: entry.fileName, expectedSha256: entry.sha256, entry };
}

type Outcome = Omit<DownloadModelResult, 'filePath'>;

/** One download in progress: what every step needs to know. */
interface Transfer {
  readonly options: DownloadModelOptions;
  readonly url: URL;
  readonly partPath: string;
  /** Validator of the bytes already in the part, sent as If-Range. */
  readonly validator?: string;
  /** The pin the finished file must have, saved beside the part. */
  readonly expected?: string;
}

/** One HTTP request, continuing the part from `offset`; a part that cannot be continued is restarted. */
async function attempt(transfer: Transfer, offset: number): Promise<Outcome> {
  const response = await request(transfer, offset);
  if (offset > 0 && response.status === 416) {
    await response.body?.cancel();
    // Nothing follows our bytes: the part is whole when its size is the total, else it is stale.
    if (contentRange(response)?.total === offset) return completePart(transfer, offset);
    return restart(transfer);
  }
  if (!response.ok) throw await httpError(response, transfer.url);
  if (offset > 0 && response.status === 206) {
    const range = contentRange(response);
    if (range?.start === offset) return receive(transfer, response, offset, range.total);
    await response.body?.cancel();
    return restart(transfer);
  }
  // A 200 answer to a range request carries the whole file: start over from byte zero.
  return receive(transfer, response, 0, contentLength(response));
}

async function restart(transfer: Transfer): Promise<Outcome> {
  await removeIfPresent(transfer.partPath);
  return attempt({ ...transfer, validator: undefined }, 0);
}

async function request(transfer: Transfer, offset: number): Promise<Response> {
  const { options, url } = transfer;
  // Compressed transfer would make byte ranges and Content-Length refer to the encoded stream.
  const headers: Record<string, string> = { 'accept-encoding': 'identity', ...options.headers };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  // If the file changed since the part was written, the server answers 200 with the new whole file.
  if (offset > 0 && transfer.validator) headers['if-range'] = transfer.validator;
  try {
    return await httpGet(url, {
      headers,
      signal: options.signal,
      guard: options.guard,
      idleTimeoutMs: options.idleTimeoutMs,
    });
  } catch (error) {
    throw networkError(error, url, options.signal);
  }
}

/** Appends the response body to the part, hashing and reporting progress as it streams. */
async function receive(
  transfer: Transfer,
  response: Response,
  offset: number,
  total: number | undefined,
): Promise<Outcome> {
  const { options, partPath } = transfer;
  if (options.maxBytes !== undefined && total !== undefined && total > options.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(options.maxBytes);
  }
  if (offset === 0) await writePartState(partPath, response, transfer.url.href, transfer.expected);
  const hash = await hashFile(partPath, offset, options.signal);
  let received = offset;
  options.onProgress?.(received, total);
  const meter = createBodyChecks({
    offset,
    maxBytes: options.maxBytes,
    onChunk: (chunk) => {
      hash.update(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
    },
  });
  const body = response.body
    ? Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
    : Readable.from([]);
  const sink = createWriteStream(partPath, { flags: offset > 0 ? 'a' : 'w' });
  try {
    await pipeline(body, meter, sink, { signal: options.signal });
  } catch (error) {
    // Name the host that was sending (after redirects, a CDN rather than the URL's host).
    throw networkError(error, answeredBy(response, transfer.url), options.signal);
  } finally {
    // pipeline settles before the file's last write lands; a resume must see the final part size.
    if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
  }
  if (total !== undefined && received !== total) {
    const host = answeredBy(response, transfer.url).host;
    throw new AppError(
      'DOWNLOAD_FAILED',
      `The connection to ${host} closed after ${received} of ${total} bytes`,
      { retryable: true, details: { host, cause: null, reached: true } },
    );
  }
  await flushToDisk(partPath);
  return { sha256: hash.digest('hex'), sizeBytes: received, resumed: offset > 0 };
}

/** The URL that answered: the response's own after redirects, else the one asked for. */
function answeredBy(response: Response, asked: URL): URL {
  return response.url ? new URL(response.url) : asked;
}

/** Hashes the bytes kept from an earlier attempt, streaming so a 2 GB part never sits in memory. */
async function hashFile(filePath: string, length: number, signal?: AbortSignal): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  for await (const chunk of createReadStream(filePath, { start: 0, end: length - 1, signal })) {
    hash.update(chunk as Buffer);
  }
  return hash;
}

async function completePart(transfer: Transfer, size: number): Promise<Outcome> {
  const hash = await hashFile(transfer.partPath, size, transfer.options.signal);
  transfer.options.onProgress?.(size, size);
  return { sha256: hash.digest('hex'), sizeBytes: size, resumed: true };
}

async function flushToDisk(filePath: string): Promise<void> {
  // Without fsync a crash right after the rename could leave a renamed but empty model file.
  const handle = await open(filePath, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
