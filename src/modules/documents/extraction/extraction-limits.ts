/** Resource limits for extracting one file, and how they come from configuration. */
import type { Config } from '../../../config/config.js';

/** Limits applied to one extraction (worker, PDF parser and ZIP guard). */
export interface ExtractionLimits {
  /** Wall-clock limit; the worker is terminated after this long. */
  readonly timeoutMs: number;
  /** V8 old-generation heap cap of the extraction worker, in MiB. */
  readonly memoryMb: number;
  /** PDFs with more pages are rejected. */
  readonly maxPdfPages: number;
  /** DOCX/XLSX: most bytes all archive entries may inflate to. */
  readonly maxUncompressedBytes: number;
  /** DOCX/XLSX: most entries in the archive. */
  readonly maxEntries: number;
  /** DOCX/XLSX: largest inflated/compressed ratio of one entry (after its first MiB). */
  readonly maxCompressionRatio: number;
  /**
   * Most the process's private resident memory (Linux RssAnon, elsewhere RSS) may grow while this extraction
   * runs, in MiB (default 2 × memoryMb + 64). Catches memory the heap cap cannot see — ArrayBuffers, e.g. a
   * PDF content stream inflating to gigabytes. Process-wide: concurrent work counts against it too, so an
   * error from this watch is marked retryable.
   */
  readonly maxRssGrowthMb?: number;
}

const MIB = 1024 * 1024;

/** Reads the `documents` configuration group into extraction limits. */
export function extractionLimitsFrom(config: Config): ExtractionLimits {
  const documents = config.documents;
  return {
    timeoutMs: documents.extractionTimeoutSeconds * 1000,
    memoryMb: documents.extractionMemoryMb,
    maxPdfPages: documents.maxPdfPages,
    maxUncompressedBytes: documents.maxUncompressedMb * MIB,
    maxEntries: documents.maxArchiveEntries,
    maxCompressionRatio: documents.maxCompressionRatio,
  };
}
