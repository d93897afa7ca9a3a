/**
 * Entry of the extraction worker thread: extracts the file described by workerData and posts one message,
 * `{ ok: true, document }` or `{ ok: false, code?, message }` (code set for AppErrors). Started by
 * extraction-runner.ts; from dist/ directly, from TypeScript sources through tsx's loader.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../../shared/errors.js';
import { extractFile } from './extract-file.js';
import type { ExtractedDocument, DocumentKind } from './extracted-document.js';
import type { ExtractionLimits } from './extraction-limits.js';

/** What the runner passes to the worker. */
export interface ExtractionWorkerInput {
  readonly path: string;
  readonly kind: DocumentKind;
  readonly limits: ExtractionLimits;
}

/** The one message the worker posts back. */
export type ExtractionWorkerMessage =
  | { readonly ok: true; readonly document: ExtractedDocument }
  | { readonly ok: false; readonly code?: AppError['code']; readonly message: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  const input = workerData as ExtractionWorkerInput;
  let reply: ExtractionWorkerMessage;
  try {
    reply = { ok: true, document: await extractFile(input.path, input.kind, input.limits) };
  } catch (error) {
    reply =
      error instanceof AppError
        ? { ok: false, code: error.code, message: error.message }
        : { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
}
