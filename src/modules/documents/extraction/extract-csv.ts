/** CSV → one row block per record (cells joined with " | "), each carrying the first row as its header. */
import Papa from 'papaparse';
import { cleanText, DocumentBuilder } from './document-builder.js';
import type { ExtractedDocument } from './extracted-document.js';
import { readTextFile } from './extract-text.js';

/** Extracts a CSV file; the delimiter (comma, semicolon, tab, pipe…) is detected, quoted fields honoured. */
export async function extractCsv(path: string): Promise<ExtractedDocument> {
  const text = (await readTextFile(path)).replace(/^\uFEFF/, '');
  const parsed = Papa.parse<string[]>(text, { delimiter: '', skipEmptyLines: 'greedy', header: false });
  const builder = new DocumentBuilder();
  let header: string | undefined;
  for (const record of parsed.data) {
    const cells = record.map((cell) => cell.trim());
    while (cells.length > 0 && cells.at(-1) === '') cells.pop();
    if (cells.length === 0) continue;
    const rowText = cleanText(cells.join(' | '));
    if (rowText === '') continue;
    header ??= rowText;
    builder.add('row', rowText, { header });
  }
  return builder.build();
}
