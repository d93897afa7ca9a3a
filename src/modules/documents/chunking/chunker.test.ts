import { describe, expect, it } from 'vitest';
import type { ExtractedDocument, TextBlock } from '../extraction/extracted-document.js';
import { chunkDocument } from './chunker.js';
import { estimateTokens } from './token-estimate.js';

/** Builds an extracted document from blocks given as [type, text, extras]. */
function documentOf(parts: [TextBlock['type'], string, Partial<TextBlock>?][]): ExtractedDocument {
  let text = '';
  const blocks: TextBlock[] = [];
  for (const [type, content, extras] of parts) {
    if (text) text += '\n\n';
    blocks.push({ type, start: text.length, end: text.length + content.length, ...extras });
    text += content;
  }
  return { text, blocks };
}

const sentence = (n: number) => `Sentence number ${n} talks about budget approval rules.`;

describe('chunkDocument', () => {
  it('keeps every chunk an exact span of the text, with its heading path and page', () => {
    const document = documentOf([
      ['heading', 'Finance policy', { level: 1 }],
      ['heading', 'Approvals', { level: 2 }],
      ['paragraph', 'Purchases above 10 million rupiah need two signatures.', { page: 3 }],
      ['heading', 'Travel', { level: 2 }],
      ['paragraph', 'Flights are booked in economy class.', { page: 4 }],
    ]);
    const chunks = chunkDocument(document, { chunkSize: 512, overlap: 50 });
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) expect(document.text.slice(chunk.start, chunk.end)).toBe(chunk.content);
    expect(chunks[0]).toMatchObject({ heading: 'Finance policy > Approvals', page: 3, index: 0 });
    expect(chunks[1]).toMatchObject({ heading: 'Finance policy > Travel', page: 4, index: 1 });
    expect(chunks[1]!.content).toBe('Flights are booked in economy class.');
  });

  it('packs paragraphs up to the chunk size and overlaps neighbours', () => {
    const document = documentOf(
      Array.from({ length: 40 }, (_, n) => ['paragraph', sentence(n)] as [TextBlock['type'], string]),
    );
    const chunkSize = 64;
    const chunks = chunkDocument(document, { chunkSize, overlap: 16 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(chunkSize);
      expect(document.text.slice(chunk.start, chunk.end)).toBe(chunk.content);
    }
    // Neighbours share text (overlap) and together cover the whole document.
    for (let i = 1; i < chunks.length; i += 1) expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end);
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(document.text.length);
  });

  it('cuts a paragraph larger than a chunk at sentence boundaries', () => {
    const long = Array.from({ length: 60 }, (_, n) => sentence(n)).join(' ');
    const chunks = chunkDocument(documentOf([['paragraph', long]]), { chunkSize: 80, overlap: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(80);
      expect(chunk.content).toMatch(/^Sentence number \d+/);
      expect(chunk.content).toMatch(/rules\.$/);
    }
  });

  it('keeps table rows whole, starts a chunk per sheet, and carries the header', () => {
    const rows: [TextBlock['type'], string, Partial<TextBlock>?][] = [];
    for (const sheet of ['Budget', 'Staff']) {
      rows.push(['heading', sheet, { level: 1 }]);
      for (let n = 0; n < 30; n += 1)
        rows.push(['row', `${sheet} item ${n} | ${n * 1000}`, { sheet, header: 'Item | Amount' }]);
    }
    const chunks = chunkDocument(documentOf(rows), { chunkSize: 60, overlap: 0 });
    expect(new Set(chunks.map((chunk) => chunk.heading))).toEqual(new Set(['Budget', 'Staff']));
    for (const chunk of chunks) {
      expect(chunk.sectionType).toBe('table');
      expect(chunk.tableHeader).toBe('Item | Amount');
      expect(chunk.content.split('\n\n').every((row) => row.startsWith(chunk.heading!))).toBe(true);
    }
  });

  it('returns no chunks for a document without text', () => {
    expect(chunkDocument({ text: '', blocks: [] }, { chunkSize: 512, overlap: 50 })).toEqual([]);
  });
});

describe('estimateTokens', () => {
  it('counts words and symbols, longer words as several tokens', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('the cat sat')).toBe(3);
    expect(estimateTokens('pertanggungjawaban')).toBeGreaterThan(3);
    expect(estimateTokens('a, b.')).toBe(4);
  });
});
