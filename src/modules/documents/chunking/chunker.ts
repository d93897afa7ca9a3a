import type { ExtractedDocument, TextBlock } from '../extraction/extracted-document.js';
import { estimateTokens, type TokenCounter } from './token-estimate.js';

/** One chunk: an exact span of the document text, with where it sits in the document. */
export interface Chunk {
  readonly index: number;
  /** text.slice(start, end) of the extracted document. */
  readonly content: string;
  readonly start: number;
  readonly end: number;
  /** Heading path ("Policy > Approvals"), or the sheet name for spreadsheet rows. */
  readonly heading?: string;
  readonly page?: number;
  readonly pageEnd?: number;
  readonly tokens: number;
  /** Column names of the table the rows came from, repeated in the indexed text. */
  readonly tableHeader?: string;
  readonly sectionType: 'paragraph' | 'table';
}

/** Chunk sizes in tokens. */
export interface ChunkingOptions {
  readonly chunkSize: number;
  readonly overlap: number;
  readonly countTokens?: TokenCounter;
}

interface Piece {
  readonly start: number;
  readonly end: number;
  readonly tokens: number;
  readonly page?: number;
  readonly row: boolean;
  readonly header?: string;
}

/**
 * Splits a document along its structure: a heading or a new page starts a new chunk, paragraphs and table rows
 * are packed whole up to `chunkSize` tokens, a block larger than that is cut at sentence (then word)
 * boundaries, and consecutive chunks of one section share about `overlap` tokens. Every chunk is a
 * contiguous span of the extracted text, so a citation can show exactly what was retrieved.
 */
export function chunkDocument(document: ExtractedDocument, options: ChunkingOptions): Chunk[] {
  const count = options.countTokens ?? estimateTokens;
  const chunks: Chunk[] = [];
  const headings: string[] = [];
  let section: Piece[] = [];
  let sectionHeading: string | undefined;

  const flush = () => {
    if (section.length > 0) packSection(section, sectionHeading, document.text, options, chunks);
    section = [];
  };

  for (const block of document.blocks) {
    if (block.type === 'heading') {
      flush();
      const level = Math.min(Math.max(block.level ?? 1, 1), 6);
      headings.length = level - 1;
      headings[level - 1] = document.text.slice(block.start, block.end).trim();
      sectionHeading = headings.filter(Boolean).join(' > ') || undefined;
      continue;
    }
    if (block.type === 'row' && block.sheet && block.sheet !== sectionHeading) {
      flush();
      sectionHeading = block.sheet;
    }
    // A new page starts a new chunk, so every citation names exactly one page.
    const previous = section.at(-1);
    if (previous?.page !== undefined && block.page !== undefined && block.page !== previous.page) flush();
    section.push(...piecesOf(block, document.text, options.chunkSize, count));
  }
  flush();
  return chunks;
}

function piecesOf(block: TextBlock, text: string, chunkSize: number, count: TokenCounter): Piece[] {
  const base = { page: block.page, row: block.type === 'row', header: block.header };
  const tokens = count(text.slice(block.start, block.end));
  if (tokens <= chunkSize) return [{ ...base, start: block.start, end: block.end, tokens }];
  // Too big for one chunk: cut at sentence ends, then at spaces for run-on sentences.
  const pieces: Piece[] = [];
  for (const [start, end] of splitAt(text, block.start, block.end, /(?<=[.!?。])\s+/g)) {
    const sentenceTokens = count(text.slice(start, end));
    if (sentenceTokens <= chunkSize) {
      pieces.push({ ...base, start, end, tokens: sentenceTokens });
      continue;
    }
    for (const [wordStart, wordEnd] of splitAt(text, start, end, /\s+/g)) {
      pieces.push({ ...base, start: wordStart, end: wordEnd, tokens: count(text.slice(wordStart, wordEnd)) });
    }
  }
  return pieces;
}

/** Spans of text[start, end) between matches of a separator. */
function splitAt(text: string, start: number, end: number, separator: RegExp): [number, number][] {
  const spans: [number, number][] = [];
  const slice = text.slice(start, end);
  let from = 0;
  for (const match of slice.matchAll(separator)) {
    if (match.index > from) spans.push([start + from, start + match.index]);
    from = match.index + match[0].length;
  }
  if (from < slice.length) spans.push([start + from, end]);
  return spans;
}

function packSection(
  pieces: Piece[],
  heading: string | undefined,
  text: string,
  options: ChunkingOptions,
  out: Chunk[],
): void {
  let first = 0;
  while (first < pieces.length) {
    let last = first;
    let tokens = pieces[first]!.tokens;
    while (last + 1 < pieces.length && tokens + pieces[last + 1]!.tokens <= options.chunkSize) {
      last += 1;
      tokens += pieces[last]!.tokens;
    }
    out.push(makeChunk(pieces.slice(first, last + 1), heading, text, tokens, out.length));
    if (last + 1 >= pieces.length) break;
    // Overlap: start the next chunk with the trailing pieces of this one, up to `overlap` tokens,
    // always moving forward by at least one piece.
    let next = last + 1;
    let shared = 0;
    while (next - 1 > first && shared + pieces[next - 1]!.tokens <= options.overlap) {
      next -= 1;
      shared += pieces[next]!.tokens;
    }
    first = next;
  }
}

function makeChunk(
  pieces: Piece[],
  heading: string | undefined,
  text: string,
  tokens: number,
  index: number,
) {
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  const pages = pieces.map((piece) => piece.page).filter((page): page is number => page !== undefined);
  const rows = pieces.every((piece) => piece.row);
  return {
    index,
    content: text.slice(head.start, tail.end),
    start: head.start,
    end: tail.end,
    heading,
    page: pages.length > 0 ? Math.min(...pages) : undefined,
    pageEnd: pages.length > 0 ? Math.max(...pages) : undefined,
    tokens,
    tableHeader: rows ? head.header : undefined,
    sectionType: rows ? ('table' as const) : ('paragraph' as const),
  } satisfies Chunk;
}
