/**
 * Runs one extraction in a worker thread with a heap cap (resourceLimits), a wall-clock timeout and a watch
 * on the process's private resident memory (which also sees ArrayBuffers, invisible to the heap cap), so a
 * hostile file can cost a failed job but never the server.
 *
 * Worker entry: next to this module. Compiled (dist/…/extraction-runner.js) the worker is
 * dist/…/extraction.worker.js, started directly. From TypeScript sources (vitest, tsx) this module's URL ends
 * in .ts; Node 20 workers do not inherit tsx's loader and ignore `--import tsx` in execArgv, so a tiny eval'd
 * bootstrap registers tsx (tsx/esm/api) inside the worker, then imports extraction.worker.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/errors.js';
import type { DocumentKind, ExtractedDocument } from './extracted-document.js';
import type { ExtractionLimits } from './extraction-limits.js';
import type { ExtractionWorkerInput, ExtractionWorkerMessage } from './extraction.worker.js';

export { extractionLimitsFrom, type ExtractionLimits } from './extraction-limits.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./extraction.worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
const YOUNG_GENERATION_MB = 16;
const RSS_POLL_MS = 100;
const TERMINATE_WAIT_MS = 1000;
/** A fresh worker (isolate, loader, parser modules) adds about 50 MiB of resident memory by itself. */
const WORKER_OVERHEAD_MB = 64;
const MIB = 1024 * 1024;

/**
 * Extracts the file at `path` (already checked by detectDocumentKind) in a fresh worker. Rejects with
 * AppError EXTRACTION_TIMEOUT, EXTRACTION_MEMORY, the worker's own AppError (same code and message, e.g.
 * FILE_REJECTED), EXTRACTION_FAILED for anything else, or `signal.reason` when aborted.
 */
export async function extractDocument(
  path: string,
  kind: DocumentKind,
  limits: ExtractionLimits,
  signal?: AbortSignal,
): Promise<ExtractedDocument> {
  signal?.throwIfAborted();
  const input: ExtractionWorkerInput = { path: resolvePath(path), kind, limits: { ...limits } };
  const worker = startWorker(input, limits.memoryMb);
  const maxRssGrowth = (limits.maxRssGrowthMb ?? defaultRssGrowthMb(limits.memoryMb)) * MIB;
  const rssAtStart = privateResidentBytes();

  return new Promise<ExtractedDocument>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, document?: ExtractedDocument) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      signal?.removeEventListener('abort', onAbort);
      // Settle once the worker is gone (so its memory is released before the next job starts), but never
      // wait on it for more than a second.
      const gone = worker.terminate().catch(() => undefined);
      void Promise.race([gone, delay(TERMINATE_WAIT_MS, undefined, { ref: false })]).then(() =>
        document ? resolve(document) : reject(error as Error),
      );
    };
    const onAbort = () => finish(signal?.reason ?? new Error('extraction aborted'));

    const timer = setTimeout(
      () =>
        finish(
          new AppError('EXTRACTION_TIMEOUT', `extraction took longer than ${seconds(limits.timeoutMs)} s`),
        ),
      limits.timeoutMs,
    );
    const watch = setInterval(() => {
      if (privateResidentBytes() - rssAtStart > maxRssGrowth) {
        // Process-wide, so other work growing at the same time can trip it: worth a retry.
        finish(memoryError(`more than ${Math.round(maxRssGrowth / MIB)} MiB of memory`, true));
      }
    }, RSS_POLL_MS);
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: ExtractionWorkerMessage) => {
      if (message.ok) finish(undefined, message.document);
      else if (message.code) finish(new AppError(message.code, message.message));
      else finish(new AppError('EXTRACTION_FAILED', `extraction failed: ${message.message}`));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish(memoryError(`more than its ${limits.memoryMb} MiB heap`));
      } else {
        finish(new AppError('EXTRACTION_FAILED', `extraction failed: ${error.message}`, { cause: error }));
      }
    });
    worker.on('exit', (code) => {
      finish(new AppError('EXTRACTION_FAILED', `extraction worker exited unexpectedly (code ${code})`));
    });
  });
}

/** Where the worker entry is and whether it is started from TypeScript sources (for docs and tests). */
export const extractionWorkerEntry = { url: WORKER_URL.href, fromSource: FROM_SOURCE } as const;

function startWorker(input: ExtractionWorkerInput, memoryMb: number): Worker {
  const options = {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  };
  if (!FROM_SOURCE) return new Worker(WORKER_URL, options);
  const bootstrap = [
    `import(${JSON.stringify(tsxApiUrl())})`,
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`,
  ].join('');
  return new Worker(bootstrap, { ...options, eval: true });
}

/** tsx's ESM API entry. require.resolve picks the package's "require" (.cjs) file; the ESM twin sits beside it. */
function tsxApiUrl(): string {
  const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(resolved.replace(/\.cjs$/, '.mjs')).href;
}

/** Default process-growth budget: heap cap twice over (heap + buffers outside it) plus the worker's own start-up. */
export function defaultRssGrowthMb(memoryMb: number): number {
  return memoryMb * 2 + WORKER_OVERHEAD_MB;
}

function memoryError(what: string, retryable = false): AppError {
  const message = `extraction needed ${what}; the file is too complex to process`;
  return new AppError('EXTRACTION_MEMORY', message, { retryable });
}

/**
 * Resident memory that is not file-backed (Linux RssAnon), else the whole RSS: memory-mapped model weights
 * being paged in by a concurrent chat must not count as extraction memory.
 */
function privateResidentBytes(): number {
  if (process.platform === 'linux') {
    try {
      const kib = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1];
      if (kib !== undefined) return Number(kib) * 1024;
    } catch {
      // fall through to the portable measure
    }
  }
  return process.memoryUsage.rss();
}

function seconds(milliseconds: number): string {
  return String(Math.round(milliseconds) / 1000);
}
