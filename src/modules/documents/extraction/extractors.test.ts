import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  makeDocx,
  makeEncryptedPdf,
  makePdf,
  makeXlsx,
  makeZip,
} from '../../../../test/helpers/documents.js';
import { cleanText } from './document-builder.js';
import { extractFile } from './extract-file.js';
import type { DocumentKind, ExtractedDocument } from './extracted-document.js';
import type { ExtractionLimits } from './extraction-limits.js';

const LIMITS: ExtractionLimits = {
  timeoutMs: 10_000,
  memoryMb: 128,
  maxPdfPages: 20,
  maxChars: 1_000_000,
  maxUncompressedBytes: 20 * 1024 * 1024,
  maxEntries: 100,
  maxCompressionRatio: 100,
};
const dir = mkdtempSync(path.join(tmpdir(), 'extractors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function extract(
  name: string,
  content: string | Buffer,
  kind: DocumentKind,
): Promise<ExtractedDocument> {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  const document = await extractFile(file, kind, LIMITS);
  expectConsistent(document);
  return document;
}

/** text = blocks joined by "\n\n", and every block's offsets select exactly its text. */
function expectConsistent(document: ExtractedDocument): void {
  const slices = document.blocks.map((block) => document.text.slice(block.start, block.end));
  expect(slices.join('\n\n')).toBe(document.text);
  for (const slice of slices) expect(slice).toBe(slice.trim());
  expect(slices.every((slice) => slice !== '')).toBe(true);
}

function summary(document: ExtractedDocument) {
  return document.blocks.map(({ start, end, ...rest }) => ({
    ...rest,
    text: document.text.slice(start, end),
  }));
}

describe('PDF', () => {
  it('extracts lines, paragraphs, pages and the title', async () => {
    const pdf = await makePdf(
      [['Annual Report', '', 'Revenue grew by ten percent.', 'Costs stayed flat.'], ['Second page text']],
      { title: 'Report 2024' },
    );
    const document = await extract('report.pdf', pdf, 'pdf');
    expect(document.pageCount).toBe(2);
    expect(document.title).toBe('Report 2024');
    expect(summary(document)).toEqual([
      { type: 'paragraph', page: 1, text: 'Annual Report' },
      { type: 'paragraph', page: 1, text: 'Revenue grew by ten percent.\nCosts stayed flat.' },
      { type: 'paragraph', page: 2, text: 'Second page text' },
    ]);
  });

  it('rejects a PDF with more pages than allowed', async () => {
    const pdf = await makePdf(Array.from({ length: 21 }, (_, index) => [`Page ${index + 1}`]));
    await expect(extract('long.pdf', pdf, 'pdf')).rejects.toMatchObject({
      code: 'FILE_REJECTED',
      message: expect.stringContaining('21 pages; at most 20'),
    });
  });

  it('stops building text once it passes maxChars (PDF, DOCX, XLSX), before the parser runs out of memory', async () => {
    const limits = { ...LIMITS, maxChars: 500 };
    const tooLong = {
      code: 'FILE_REJECTED',
      message: 'The extracted text is longer than the limit of 500 characters',
    };
    const line = 'Forty characters of text on every line.';
    const pdf = path.join(dir, 'chars.pdf');
    writeFileSync(pdf, await makePdf(Array.from({ length: 15 }, () => [line])));
    await expect(extractFile(pdf, 'pdf', limits)).rejects.toMatchObject(tooLong);
    const docx = path.join(dir, 'chars.docx');
    writeFileSync(docx, await makeDocx(Array.from({ length: 15 }, () => ({ paragraph: line }))));
    await expect(extractFile(docx, 'docx', limits)).rejects.toMatchObject(tooLong);
    const xlsx = path.join(dir, 'chars.xlsx');
    writeFileSync(xlsx, await makeXlsx({ Sheet: Array.from({ length: 15 }, () => [line]) }));
    await expect(extractFile(xlsx, 'xlsx', limits)).rejects.toMatchObject(tooLong);
    expect((await extractFile(pdf, 'pdf', { ...limits, maxChars: 1000 })).pageCount).toBe(15);
  });

  it('fails cleanly on a password-protected PDF', async () => {
    await expect(extract('secret.pdf', makeEncryptedPdf(), 'pdf')).rejects.toMatchObject({
      code: 'EXTRACTION_FAILED',
      message: 'The PDF is encrypted (password-protected) and cannot be read',
    });
  });

  it('fails cleanly on a broken PDF', async () => {
    await expect(extract('broken.pdf', '%PDF-1.7\nthis is not a pdf', 'pdf')).rejects.toMatchObject({
      code: 'EXTRACTION_FAILED',
      message: expect.stringMatching(/not a valid PDF|could not be read/),
    });
  });
});

describe('DOCX', () => {
  it('extracts headings with levels, paragraphs and table rows with a header', async () => {
    const document = await extract('report.docx', await makeDocx(), 'docx');
    expect(document.title).toBe('Quarterly Report');
    expect(summary(document)).toEqual([
      { type: 'heading', level: 1, text: 'Quarterly Report' },
      { type: 'paragraph', text: 'Revenue grew strongly this quarter.' },
      { type: 'heading', level: 2, text: 'Regional Figures' },
      { type: 'paragraph', text: 'The table lists revenue by region.' },
      { type: 'row', header: 'Region | Revenue', text: 'Region | Revenue' },
      { type: 'row', header: 'Region | Revenue', text: 'North | 100' },
      { type: 'row', header: 'Region | Revenue', text: 'South | 250' },
    ]);
  });

  it('rejects a ZIP that is not a Word document', async () => {
    const zip = await makeZip({ 'readme.txt': 'hello' });
    await expect(extract('fake.docx', zip, 'docx')).rejects.toMatchObject({
      code: 'FILE_REJECTED',
      message: 'not a valid DOCX container (word/document.xml is missing)',
    });
  });
});

describe('XLSX', () => {
  it('extracts a heading per sheet and rows with the sheet header', async () => {
    const xlsx = await makeXlsx({
      People: [['Name', 'Age', 'City'], ['Ann', 31, 'Oslo'], [], ['Bob', 42]],
      Empty: [],
      Notes: [['Only cell']],
    });
    const document = await extract('people.xlsx', xlsx, 'xlsx');
    const header = 'Name | Age | City';
    expect(summary(document)).toEqual([
      { type: 'heading', level: 1, sheet: 'People', text: 'People' },
      { type: 'row', sheet: 'People', header, text: header },
      { type: 'row', sheet: 'People', header, text: 'Ann | 31 | Oslo' },
      { type: 'row', sheet: 'People', header, text: 'Bob | 42' },
      { type: 'heading', level: 1, sheet: 'Notes', text: 'Notes' },
      { type: 'row', sheet: 'Notes', header: 'Only cell', text: 'Only cell' },
    ]);
  });
});

describe('CSV', () => {
  it('detects the delimiter, honours quotes and a BOM, and repeats the header', async () => {
    const csv = '\uFEFFname;note\r\n"Smith; John";"said ""hi"""\r\n\r\nDoe;plain\r\n';
    const document = await extract('people.csv', csv, 'csv');
    expect(summary(document)).toEqual([
      { type: 'row', header: 'name | note', text: 'name | note' },
      { type: 'row', header: 'name | note', text: 'Smith; John | said "hi"' },
      { type: 'row', header: 'name | note', text: 'Doe | plain' },
    ]);
  });
});

describe('Markdown', () => {
  it('finds ATX and setext headings, paragraphs, lists and whole code fences', async () => {
    const markdown = [
      '---',
      'title: front matter',
      '---',
      '# Guide #',
      'Intro line one',
      'intro line two.',
      '',
      'Setext Title',
      '------------',
      '- item one',
      '- item two',
      '',
      '```ts',
      'const a = 1;',
      '',
      '# not a heading',
      '```',
      '***',
      '#hashtag is text',
      '###### Deep',
    ].join('\n');
    const document = await extract('guide.md', markdown, 'markdown');
    expect(document.title).toBe('Guide');
    expect(summary(document)).toEqual([
      { type: 'heading', level: 1, text: 'Guide' },
      { type: 'paragraph', text: 'Intro line one\nintro line two.' },
      { type: 'heading', level: 2, text: 'Setext Title' },
      { type: 'paragraph', text: '- item one\n- item two' },
      { type: 'paragraph', text: '```ts\nconst a = 1;\n\n# not a heading\n```' },
      { type: 'paragraph', text: '#hashtag is text' },
      { type: 'heading', level: 6, text: 'Deep' },
    ]);
  });
});

describe('HTML', () => {
  it('keeps visible text only, with headings, paragraphs, rows and preformatted text', async () => {
    const html = `<!doctype html><html><head><title>My &amp; Page</title>
      <style>body { color: red }</style><script>var secret = "SCRIPT TEXT";</script></head>
      <body><noscript>Enable JS</noscript><template><p>TEMPLATE TEXT</p></template>
      <h1>Main   heading</h1><p>First <b>bold</b>
      paragraph&nbsp;here.</p><div hidden>HIDDEN TEXT</div><p style="display: none">INVISIBLE</p>
      <svg><title>SVG TITLE</title><text>SVG TEXT</text></svg><iframe>IFRAME TEXT</iframe>
      <ul><li>One</li><li>Two<br>lines</li></ul>
      <table><tr><th>Key</th><th>Value</th></tr><tr><td><p>a</p></td><td>1 &lt; 2</td></tr></table>
      <h3>Code</h3><pre>  indented
    code</pre><blockquote>Quoted</blockquote></body></html>`;
    const document = await extract('page.html', html, 'html');
    expect(document.title).toBe('My & Page');
    expect(summary(document)).toEqual([
      { type: 'heading', level: 1, text: 'Main heading' },
      { type: 'paragraph', text: 'First bold paragraph here.' },
      { type: 'paragraph', text: 'One' },
      { type: 'paragraph', text: 'Two\nlines' },
      { type: 'row', header: 'Key | Value', text: 'Key | Value' },
      { type: 'row', header: 'Key | Value', text: 'a | 1 < 2' },
      { type: 'heading', level: 3, text: 'Code' },
      { type: 'paragraph', text: 'indented\n    code' }, // blocks are trimmed at their edges
      { type: 'paragraph', text: 'Quoted' },
    ]);
    for (const hidden of [
      'SCRIPT',
      'color',
      'Enable JS',
      'TEMPLATE',
      'HIDDEN',
      'INVISIBLE',
      'SVG',
      'IFRAME',
    ]) {
      expect(document.text).not.toContain(hidden);
    }
  });
});

describe('plain text', () => {
  it('splits paragraphs on blank lines, normalises newlines, NFC and strips control characters', async () => {
    const text = 'First line\r\nsecond line\r\n \r\n\r\nCafe\u0301 \u0007bell\u0000\n\n\n\t\n';
    const document = await extract('notes.txt', text, 'text');
    expect(summary(document)).toEqual([
      { type: 'paragraph', text: 'First line\nsecond line' },
      { type: 'paragraph', text: 'Café bell' },
    ]);
  });

  it('cleanText keeps tabs and newlines but nothing else below space', () => {
    expect(cleanText('\u0000a\tb\u001b\r\nc\u0085\uD800')).toBe('a\tb\nc\uFFFD');
  });
});
