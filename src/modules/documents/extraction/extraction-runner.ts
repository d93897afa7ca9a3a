/**
 * Runs one extraction in a sandboxed child process (providers/sandbox): heap cap, kernel data-segment and
 * CPU limits, RSS watchdog, time limit and a capped reply, so a hostile file can cost a failed job but never
 * the server. Each way a run can fail becomes an AppError whose message is the document's FAILED reason.
 *
 * Child entry: next to this module — dist/…/extraction.child.js when compiled, extraction.child.ts (through
 * tsx's loader) when this module itself runs from TypeScript sources (vitest, tsx).
 */
import { resolve as resolvePath } from 'node:path';
import {
  createSandbox,
  SandboxFailure,
  type Sandbox,
  type SandboxLimits,
} from '../../../providers/sandbox/sandboxed-process.js';
import { AppError, type ErrorCode } from '../../../shared/errors.js';
import { decodeDocument } from './document-wire.js';
import type { ExtractionChildInput } from './extraction.child.js';
import type { DocumentKind, ExtractedDocument } from './extracted-document.js';
import { memoryLimitError, textTooLarge, type ExtractionLimits } from './extraction-limits.js';

export { extractionLimitsFrom, type ExtractionLimits } from './extraction-limits.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD_URL = new URL(`./extraction.child.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
const MIB = 1024 * 1024;
/** Data-segment room beyond the heap: Node's own start-up, parser buffers and pdf.js's WebAssembly. */
const DATA_OVERHEAD_MB = 128;
/** VmRSS also counts the mapped node binary and libraries (about 50 MiB), which RLIMIT_DATA does not. */
const RSS_OVERHEAD_MB = 64;
/** Error codes a child may send back as they are; anything else becomes EXTRACTION_FAILED. */
const CHILD_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'FILE_REJECTED',
  'EXTRACTION_FAILED',
  'EXTRACTION_TIMEOUT',
  'EXTRACTION_MEMORY',
]);

let defaultSandbox: Sandbox | undefined;

/**
 * Extracts the file at `path` (already checked by detectDocumentKind) in a fresh sandboxed child. Rejects
 * with AppError EXTRACTION_MEMORY, EXTRACTION_TIMEOUT, FILE_REJECTED (the child's own, or text over
 * MAX_EXTRACTED_CHARS), EXTRACTION_FAILED for anything else, or `signal.reason` when aborted. Runs wait for
 * a permit of `sandbox` (EXTRACTION_CONCURRENCY); without one, a process-wide sandbox of one permit.
 */
export async function extractDocument(
  path: string,
  kind: DocumentKind,
  limits: ExtractionLimits,
  signal?: AbortSignal,
  sandbox: Sandbox = (defaultSandbox ??= createSandbox({ concurrency: 1 })),
): Promise<ExtractedDocument> {
  signal?.throwIfAborted();
  const input: ExtractionChildInput = { path: resolvePath(path), kind, limits: { ...limits } };
  let reply;
  try {
    reply = await sandbox.run({ entry: CHILD_URL, input, limits: sandboxLimitsFor(limits), signal });
  } catch (error) {
    throw error instanceof SandboxFailure ? failureError(error, limits) : error;
  }
  if (reply.ok) return decodeDocument(reply.value);
  if (reply.code && CHILD_CODES.has(reply.code)) throw new AppError(reply.code as ErrorCode, reply.message);
  throw new AppError('EXTRACTION_FAILED', `extraction failed: ${reply.message}`);
}

/** Where the child entry is and whether it runs from TypeScript sources (for docs and tests). */
export const extractionChildEntry = { url: CHILD_URL.href, fromSource: FROM_SOURCE } as const;

/** The child's process limits for these extraction limits. */
export function sandboxLimitsFor(limits: ExtractionLimits): SandboxLimits {
  const dataMb = limits.memoryMb * 2 + DATA_OVERHEAD_MB;
  return {
    heapMb: limits.memoryMb,
    dataMb,
    rssMb: dataMb + RSS_OVERHEAD_MB,
    timeoutMs: limits.timeoutMs,
    // The child checks the exact character count; this bounds what the server holds even if it did not:
    // UTF-8 text (≤ 3 bytes a character) plus the compact block list, with room for the string table.
    maxReplyBytes: limits.maxChars * 4 + 16 * MIB,
  };
}

function failureError(failure: SandboxFailure, limits: ExtractionLimits): AppError {
  switch (failure.kind) {
    case 'memory':
      return memoryLimitError(limits.memoryMb, failure);
    case 'timeout':
      return new AppError('EXTRACTION_TIMEOUT', `extraction took longer than ${limits.timeoutMs / 1000} s`, {
        cause: failure,
      });
    case 'reply-too-large':
      return textTooLarge(limits.maxChars);
    case 'crashed':
      return new AppError(
        'EXTRACTION_FAILED',
        `extraction failed: the file could not be read (${failure.message})`,
        {
          cause: failure,
        },
      );
  }
}
