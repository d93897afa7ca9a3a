/**
 * Zip-bomb guard for DOCX/XLSX: before a parser that inflates everything in memory sees the container, every
 * entry is actually inflated (streamed and discarded) while the bytes are counted, and the archive is
 * rejected the moment it exceeds a limit — declared sizes are checked too, but never trusted.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../../../shared/errors.js';

/** Limits for one archive. */
export interface ZipLimits {
  /** Most bytes all entries together may inflate to. */
  readonly maxUncompressedBytes: number;
  /** Most entries (files and folders) in the archive. */
  readonly maxEntries: number;
  /** Largest inflated/compressed ratio of one entry, enforced once it has inflated more than 1 MiB. */
  readonly maxCompressionRatio: number;
}

/** What a passed inspection counted. */
export interface ZipInspection {
  readonly entries: number;
  readonly uncompressedBytes: number;
}

const MIB = 1024 * 1024;
/** Entries smaller than this may have any compression ratio (small XML parts compress extremely well). */
const RATIO_GRACE_BYTES = MIB;

/**
 * Inflates every entry of the ZIP at `path` under `limits` and checks that `requiredEntry` exists
 * (`word/document.xml` for DOCX, `xl/workbook.xml` for XLSX). Throws AppError FILE_REJECTED naming the limit
 * or the problem (bomb, too many entries, encryption, unsafe entry names, not a valid container).
 */
export async function inspectZipArchive(
  path: string,
  limits: ZipLimits,
  requiredEntry: string,
): Promise<ZipInspection> {
  const format = { xl: 'XLSX', word: 'DOCX' }[requiredEntry.split('/')[0] ?? ''] ?? 'ZIP';
  const invalid = (detail: string) => reject(`not a valid ${format} container (${detail})`);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (error) {
    // The file system failing (missing file, permissions) is our problem, not the upload's.
    if (typeof (error as NodeJS.ErrnoException).syscall === 'string') throw error;
    throw invalid(errorMessage(error));
  }
  // A late error from the reader must never become an unhandled 'error' event.
  zip.on('error', () => undefined);
  let entries = 0;
  let total = 0;
  let foundRequired = false;
  try {
    if (zip.entryCount > limits.maxEntries) throw tooManyEntries(limits);
    for await (const entry of iterate(zip, invalid)) {
      entries++;
      if (entries > limits.maxEntries) throw tooManyEntries(limits);
      const name = entry.fileName;
      if (isUnsafeName(name)) throw reject(`unsafe entry name ${quote(name)}`);
      if (entry.isEncrypted()) throw reject(`encrypted entry ${quote(name)}: encryption is not supported`);
      if (name === requiredEntry) foundRequired = true;
      if (name.endsWith('/')) continue;
      checkSizes(name, entry.uncompressedSize, entry.compressedSize, total, limits);
      total += await inflateEntry(zip, entry, total, limits, invalid);
    }
  } finally {
    zip.close();
  }
  if (!foundRequired) throw invalid(`${requiredEntry} is missing`);
  return { entries, uncompressedBytes: total };
}

async function* iterate(
  zip: yauzl.ZipFile,
  invalid: (detail: string) => AppError,
): AsyncGenerator<yauzl.Entry> {
  const iterator = zip.eachEntry();
  for (;;) {
    let step: IteratorResult<yauzl.Entry>;
    try {
      step = await iterator.next();
    } catch (error) {
      const message = errorMessage(error);
      if (/absolute path|invalid relative path|invalid characters/i.test(message)) {
        throw reject(`unsafe entry name (${message.slice(0, 200)})`);
      }
      throw invalid(message);
    }
    if (step.done) return;
    yield step.value;
  }
}

function checkSizes(
  name: string,
  inflated: number,
  compressed: number,
  total: number,
  limits: ZipLimits,
): void {
  if (inflated > RATIO_GRACE_BYTES && inflated > compressed * limits.maxCompressionRatio) {
    throw ratioExceeded(name, limits);
  }
  if (total + inflated > limits.maxUncompressedBytes) throw inflatesBeyond(limits);
}

/** Streams one entry through the inflater, discarding the bytes; resolves with how many there were. */
async function inflateEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  totalBefore: number,
  limits: ZipLimits,
  invalid: (detail: string) => AppError,
): Promise<number> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw invalid(`${quote(entry.fileName)}: ${errorMessage(error)}`);
  }
  return new Promise<number>((resolve, rejectPromise) => {
    let inflated = 0;
    let done = false;
    const fail = (error: AppError) => {
      if (done) return;
      done = true;
      stream.destroy();
      rejectPromise(error);
    };
    stream.on('data', (chunk: Buffer) => {
      inflated += chunk.length;
      if (totalBefore + inflated > limits.maxUncompressedBytes) return fail(inflatesBeyond(limits));
      if (inflated > RATIO_GRACE_BYTES && inflated > entry.compressedSize * limits.maxCompressionRatio) {
        return fail(ratioExceeded(entry.fileName, limits));
      }
    });
    stream.on('error', (error) => fail(invalid(`${quote(entry.fileName)}: ${errorMessage(error)}`)));
    stream.on('end', () => {
      if (done) return;
      done = true;
      resolve(inflated);
    });
  });
}

function isUnsafeName(name: string): boolean {
  return (
    name.startsWith('/') ||
    name.includes('\\') ||
    name.includes('\u0000') ||
    /^[a-zA-Z]:/.test(name) ||
    name.split('/').includes('..')
  );
}

function reject(message: string): AppError {
  return new AppError('FILE_REJECTED', message);
}

function tooManyEntries(limits: ZipLimits): AppError {
  return reject(`archive has more than ${limits.maxEntries} entries`);
}

function inflatesBeyond(limits: ZipLimits): AppError {
  return reject(`archive inflates beyond ${formatBytes(limits.maxUncompressedBytes)}`);
}

function ratioExceeded(name: string, limits: ZipLimits): AppError {
  return reject(`compression ratio over ${limits.maxCompressionRatio}:1 in ${quote(name)}`);
}

function formatBytes(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`;
}

function quote(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001F\u007F]/g, '?');
  return cleaned.length > 120 ? `${cleaned.slice(0, 120)}…` : cleaned;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
