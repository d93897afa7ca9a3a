/**
 * How an ExtractedDocument crosses from the sandboxed child to the server: blocks as a flat list of numbers
 * and every sheet name or table header once in a string table, so the reply grows with the text, not with
 * rows × header length (an XLSX with a long header and a million rows would otherwise multiply it).
 * Decoding checks every field: the child runs a parser of hostile input and is not trusted.
 */
import { AppError } from '../../../shared/errors.js';
import type { ExtractedDocument, TextBlock } from './extracted-document.js';

/** The encoded document. */
export interface WireDocument {
  readonly text: string;
  /** 7 numbers per block: type, start, end, page, level, sheet, header (-1 when absent; strings by index). */
  readonly blocks: readonly number[];
  readonly strings: readonly string[];
  readonly pageCount?: number;
  readonly title?: string;
}

const TYPES: readonly TextBlock['type'][] = ['heading', 'paragraph', 'row'];
const FIELDS = 7;
const NONE = -1;

/** Encodes a document for the reply. */
export function encodeDocument(document: ExtractedDocument): WireDocument {
  const strings: string[] = [];
  const indexes = new Map<string, number>();
  const intern = (value: string | undefined) => {
    if (value === undefined) return NONE;
    let index = indexes.get(value);
    if (index === undefined) {
      index = strings.push(value) - 1;
      indexes.set(value, index);
    }
    return index;
  };
  const blocks: number[] = [];
  for (const block of document.blocks) {
    blocks.push(TYPES.indexOf(block.type), block.start, block.end, block.page ?? NONE, block.level ?? NONE);
    blocks.push(intern(block.sheet), intern(block.header));
  }
  return { text: document.text, blocks, strings, pageCount: document.pageCount, title: document.title };
}

/** Decodes and checks a reply; throws EXTRACTION_FAILED when it is malformed. */
export function decodeDocument(value: unknown): ExtractedDocument {
  const wire = value as Partial<WireDocument> | null;
  if (
    typeof wire?.text !== 'string' ||
    !Array.isArray(wire.blocks) ||
    wire.blocks.length % FIELDS !== 0 ||
    !Array.isArray(wire.strings) ||
    !wire.strings.every((entry) => typeof entry === 'string') ||
    !optional(wire.pageCount, 'number') ||
    !optional(wire.title, 'string')
  ) {
    throw malformed();
  }
  const numbers: readonly unknown[] = wire.blocks;
  if (!numbers.every(Number.isSafeInteger)) throw malformed();
  const blocks: TextBlock[] = [];
  for (let offset = 0; offset < numbers.length; offset += FIELDS) {
    blocks.push(decodeBlock(numbers.slice(offset, offset + FIELDS) as number[], wire.text, wire.strings));
  }
  const document: Mutable<ExtractedDocument> = { text: wire.text, blocks };
  if (wire.pageCount !== undefined) document.pageCount = wire.pageCount;
  if (wire.title !== undefined) document.title = wire.title;
  return document;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function decodeBlock(fields: readonly number[], text: string, strings: readonly string[]): TextBlock {
  const [type, start, end, page, level, sheet, header] = fields as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const blockType = TYPES[type];
  if (blockType === undefined || start < 0 || end < start || end > text.length) throw malformed();
  const block: Mutable<TextBlock> = { type: blockType, start, end };
  if (page !== NONE) block.page = page;
  if (level !== NONE) block.level = level;
  if (sheet !== NONE) block.sheet = stringAt(strings, sheet);
  if (header !== NONE) block.header = stringAt(strings, header);
  return block;
}

function stringAt(strings: readonly string[], index: number): string {
  const value = strings[index];
  if (value === undefined) throw malformed();
  return value;
}

function optional(value: unknown, type: 'number' | 'string'): boolean {
  return value === undefined || typeof value === type;
}

function malformed(): AppError {
  return new AppError(
    'EXTRACTION_FAILED',
    'extraction failed: the extraction process sent a malformed result',
  );
}
