/**
 * Assembles extracted blocks into one ExtractedDocument: cleans each block's text and keeps exact offsets,
 * so `text.slice(block.start, block.end)` is always the block's text.
 */
import type { ExtractedDocument, TextBlock } from './extracted-document.js';
import { textTooLarge } from './extraction-limits.js';

/** Optional structure attached to a block. */
export type BlockExtras = Pick<TextBlock, 'page' | 'level' | 'sheet' | 'header'>;

const SEPARATOR = '\n\n';
// C0 controls except \t and \n, DEL and C1 controls (\r is turned into \n before this runs).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Canonical extracted text: NFC, newlines only as \n, no NUL/control characters (\t and \n kept), trimmed. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(LONE_SURROGATES, '\uFFFD')
    .normalize('NFC')
    .replace(CONTROL_CHARACTERS, '')
    .trim();
}

/** Collects blocks in reading order and produces the final document. */
export class DocumentBuilder {
  private readonly parts: string[] = [];
  private readonly blocks: TextBlock[] = [];
  private length = 0;

  /** `maxChars`: adding text beyond it throws FILE_REJECTED, so a parser stops early instead of running out of memory. */
  constructor(private readonly maxChars = Number.POSITIVE_INFINITY) {}

  /** Adds one block after cleaning its text; returns the cleaned text, or undefined when it was empty. */
  add(type: TextBlock['type'], rawText: string, extras: BlockExtras = {}): string | undefined {
    const text = cleanText(rawText);
    if (text === '') return undefined;
    if (this.parts.length > 0) {
      this.parts.push(SEPARATOR);
      this.length += SEPARATOR.length;
    }
    const start = this.length;
    if (start + text.length > this.maxChars) throw textTooLarge(this.maxChars);
    this.parts.push(text);
    this.length += text.length;
    this.blocks.push(withoutUndefined({ type, start, end: this.length, ...extras }));
    return text;
  }

  /** Number of blocks added so far. */
  get blockCount(): number {
    return this.blocks.length;
  }

  /** The document built so far, with optional page count and title. */
  build(meta: { pageCount?: number; title?: string } = {}): ExtractedDocument {
    const title = meta.title === undefined ? undefined : cleanText(meta.title).replace(/\s+/g, ' ');
    return withoutUndefined({
      text: this.parts.join(''),
      blocks: this.blocks,
      pageCount: meta.pageCount,
      title: title === '' ? undefined : title,
    });
  }
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
