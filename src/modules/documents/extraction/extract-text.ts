/** Plain text → paragraph blocks split on blank lines; also the UTF-8 file reader the text formats share. */
import { readFile } from 'node:fs/promises';
import { DocumentBuilder } from './document-builder.js';
import type { ExtractedDocument } from './extracted-document.js';

/** Reads a UTF-8 file (BOM dropped, invalid bytes → U+FFFD) with newlines normalised to \n. */
export async function readTextFile(path: string): Promise<string> {
  return new TextDecoder('utf-8').decode(await readFile(path)).replace(/\r\n?/g, '\n');
}

/** Extracts a plain-text file: one paragraph block per run of non-blank lines. */
export async function extractPlainText(path: string): Promise<ExtractedDocument> {
  const builder = new DocumentBuilder();
  for (const paragraph of (await readTextFile(path)).split(/\n[ \t]*\n/)) builder.add('paragraph', paragraph);
  return builder.build();
}
