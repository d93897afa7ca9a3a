/**
 * What text extraction produces for every supported file type: the plain text a reader would see,
 * and the structure the chunker needs (headings, pages, table rows), as spans into that text.
 */

/** File kinds the knowledge base accepts. */
export const DOCUMENT_KINDS = ['pdf', 'docx', 'xlsx', 'csv', 'markdown', 'html', 'text'] as const;
/** One accepted file kind. */
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** One structural unit of the extracted text. */
export interface TextBlock {
  /** heading: a section title; paragraph: running text; row: one table/sheet row (cells joined). */
  readonly type: 'heading' | 'paragraph' | 'row';
  /** Character offsets into ExtractedDocument.text: text.slice(start, end) is this block's text. */
  readonly start: number;
  readonly end: number;
  /** 1-based page (PDF) — absent for formats without pages. */
  readonly page?: number;
  /** Heading depth (1 = top level) for headings. */
  readonly level?: number;
  /** Sheet name for spreadsheet rows (XLSX); for CSV absent. */
  readonly sheet?: string;
  /** For rows: the header row's text, so a chunk of rows can repeat the column names. */
  readonly header?: string;
}

/** The result of extracting one file. */
export interface ExtractedDocument {
  /** Blocks joined with blank lines ("\n\n"); offsets in blocks refer to this string. */
  readonly text: string;
  readonly blocks: readonly TextBlock[];
  /** Pages in the file (PDF), else undefined. */
  readonly pageCount?: number;
  /** Title found in the file (PDF info, DOCX first heading, HTML <title>, Markdown # heading). */
  readonly title?: string;
}
