/** Resource limits for extracting one file, and how they come from configuration. */
import type { Config } from '../../../config/config.js';
import { AppError } from '../../../shared/errors.js';

/** Limits applied to one extraction (sandboxed child process, parsers and ZIP guard). */
export interface ExtractionLimits {
  /** Wall-clock limit; the child process is killed after this long. */
  readonly timeoutMs: number;
  /**
   * V8 heap cap of the extraction child, in MiB. Its kernel data-segment limit (everything it allocates,
   * buffers outside the heap too) and its RSS watchdog derive from it: see sandboxLimitsFor.
   */
  readonly memoryMb: number;
  /** Most characters of extracted text; a file with more is rejected (FILE_REJECTED). */
  readonly maxChars: number;
  /** PDFs with more pages are rejected. */
  readonly maxPdfPages: number;
  /** DOCX/XLSX: most bytes all archive entries may inflate to. */
  readonly maxUncompressedBytes: number;
  /** DOCX/XLSX: most entries in the archive. */
  readonly maxEntries: number;
  /** DOCX/XLSX: largest inflated/compressed ratio of one entry (after its first MiB). */
  readonly maxCompressionRatio: number;
}

const MIB = 1024 * 1024;

/** Reads the `documents` configuration group into extraction limits. */
export function extractionLimitsFrom(config: Config): ExtractionLimits {
  const documents = config.documents;
  return {
    timeoutMs: documents.extractionTimeoutSeconds * 1000,
    memoryMb: documents.extractionMemoryMb,
    maxChars: documents.maxExtractedChars,
    maxPdfPages: documents.maxPdfPages,
    maxUncompressedBytes: documents.maxUncompressedMb * MIB,
    maxEntries: documents.maxArchiveEntries,
    maxCompressionRatio: documents.maxCompressionRatio,
  };
}

/** The error for text over the MAX_EXTRACTED_CHARS cap (thrown in the child, or by the parent's reply cap). */
export function textTooLarge(maxChars: number): AppError {
  return new AppError(
    'FILE_REJECTED',
    `The extracted text is longer than the limit of ${maxChars.toLocaleString('en-US')} characters`,
  );
}

/** The error for an extraction that needed more memory than its limits allow. */
export function memoryLimitError(memoryMb: number, cause?: unknown): AppError {
  return new AppError(
    'EXTRACTION_MEMORY',
    `extraction needed more than its memory limit (${memoryMb} MiB heap); the file is too complex to process`,
    { cause },
  );
}
