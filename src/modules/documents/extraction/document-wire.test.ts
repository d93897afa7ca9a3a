import { describe, expect, it } from 'vitest';
import { decodeDocument, encodeDocument } from './document-wire.js';
import type { ExtractedDocument } from './extracted-document.js';

const DOCUMENT: ExtractedDocument = {
  text: 'Sales\n\nRegion | Revenue\n\nNorth | 100',
  blocks: [
    { type: 'heading', start: 0, end: 5, level: 1, sheet: 'Sales' },
    { type: 'row', start: 7, end: 23, sheet: 'Sales', header: 'Region | Revenue' },
    { type: 'row', start: 25, end: 36, sheet: 'Sales', header: 'Region | Revenue' },
  ],
  pageCount: 3,
  title: 'Report',
};

describe('document wire format', () => {
  it('round-trips a document, sending each sheet name and header once', () => {
    const wire = encodeDocument(DOCUMENT);
    expect(wire.strings).toEqual(['Sales', 'Region | Revenue']);
    expect(decodeDocument(JSON.parse(JSON.stringify(wire)))).toEqual(DOCUMENT);
    expect(decodeDocument(encodeDocument({ text: '', blocks: [] }))).toEqual({ text: '', blocks: [] });
  });

  it.each([
    ['no text', { blocks: [], strings: [] }],
    ['a block past the text', { text: 'ab', blocks: [1, 0, 3, -1, -1, -1, -1], strings: [] }],
    ['an unknown block type', { text: 'ab', blocks: [9, 0, 1, -1, -1, -1, -1], strings: [] }],
    ['a missing string', { text: 'ab', blocks: [2, 0, 1, -1, -1, 4, -1], strings: [] }],
    ['a fractional offset', { text: 'ab', blocks: [1, 0.5, 1, -1, -1, -1, -1], strings: [] }],
    ['a truncated block', { text: 'ab', blocks: [1, 0, 1], strings: [] }],
    ['a title that is not text', { text: 'ab', blocks: [], strings: [], title: 7 }],
  ])('rejects a malformed reply (%s) as EXTRACTION_FAILED', (_name, wire) => {
    expect(() => decodeDocument(wire)).toThrow(
      expect.objectContaining({ code: 'EXTRACTION_FAILED' }) as unknown,
    );
  });
});
