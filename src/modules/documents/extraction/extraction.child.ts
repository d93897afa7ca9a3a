/**
 * Entry of the sandboxed extraction child process (started by extraction-runner.ts through the sandbox in
 * providers/sandbox): extracts the file its input names and replies with the encoded document. Compiled, it
 * runs as dist/…/extraction.child.js; from TypeScript sources through tsx's loader.
 */
import { serveSandboxTask } from '../../../providers/sandbox/sandbox-child.js';
import { encodeDocument } from './document-wire.js';
import { extractFile } from './extract-file.js';
import type { DocumentKind } from './extracted-document.js';
import { memoryLimitError, textTooLarge, type ExtractionLimits } from './extraction-limits.js';

/** What the runner sends to the child. */
export interface ExtractionChildInput {
  readonly path: string;
  readonly kind: DocumentKind;
  readonly limits: ExtractionLimits;
}

/**
 * Allocation failures V8 reports as exceptions rather than by dying (an ArrayBuffer the data limit refused, a
 * string or array past V8's maximum length). Parsers catch and rewrap them ("The DOCX could not be read: …"),
 * so they are recognised by message, wherever they surface.
 */
const ALLOCATION_FAILED =
  /Array buffer allocation failed|Invalid (string|array|typed array) length|out of memory/i;

await serveSandboxTask(async (value) => {
  const input = value as ExtractionChildInput;
  let document;
  try {
    document = await extractFile(input.path, input.kind, input.limits);
  } catch (error) {
    if (error instanceof Error && ALLOCATION_FAILED.test(error.message)) {
      throw memoryLimitError(input.limits.memoryMb);
    }
    throw error;
  }
  // Extractors with a builder stop at the cap while they run; this catches the rest before the reply is sent.
  if (document.text.length > input.limits.maxChars) throw textTooLarge(input.limits.maxChars);
  return encodeDocument(document);
});
