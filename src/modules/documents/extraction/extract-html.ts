/**
 * HTML → blocks: only the text a reader would see. Scripts, styles, templates, <head>, SVG, iframes and
 * hidden elements are dropped; headings, paragraphs, list items, quotes and preformatted text become blocks;
 * table rows become row blocks (cells joined with " | "). Also used for DOCX (via mammoth's HTML).
 */
import { readFile } from 'node:fs/promises';
import { Parser } from 'htmlparser2';
import { cleanText, DocumentBuilder } from './document-builder.js';
import type { ExtractedDocument } from './extracted-document.js';

/** What the walk found besides blocks. */
export interface HtmlWalkResult {
  /** Text of <title>, if any. */
  readonly title?: string;
  /** Text of the first heading block, if any. */
  readonly firstHeading?: string;
}

const SKIPPED = new Set([
  ...['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object'],
  ...['canvas', 'video', 'audio', 'select', 'textarea'],
]);
const BLOCKS = new Set([
  ...['address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog', 'div', 'dl'],
  ...[
    'dt',
    'fieldset',
    'figcaption',
    'figure',
    'footer',
    'form',
    'header',
    'hr',
    'html',
    'li',
    'main',
    'nav',
  ],
  ...['ol', 'p', 'pre', 'section', 'summary', 'ul', 'table', 'tbody', 'thead', 'tfoot', 'legend', 'option'],
]);
const HEADING = /^h([1-6])$/;

interface TableState {
  cells?: string[];
  cell?: string;
  header?: string;
}

/** Reads and extracts an HTML file (UTF-8). */
export async function extractHtml(path: string): Promise<ExtractedDocument> {
  const html = new TextDecoder('utf-8').decode(await readFile(path));
  const builder = new DocumentBuilder();
  const { title } = walkHtml(html, builder);
  return builder.build({ title });
}

/** Walks `html` and adds its visible text to `builder` as heading, paragraph and row blocks. */
export function walkHtml(html: string, builder: DocumentBuilder): HtmlWalkResult {
  let buffer = '';
  let headingLevel: number | undefined;
  let preDepth = 0;
  let skipDepth = 0;
  let skipRoot = '';
  let inTitle = false;
  let title: string | undefined;
  let firstHeading: string | undefined;
  const tables: TableState[] = [];

  const inCell = () => tables.at(-1)?.cell !== undefined;
  const flush = (preserve = false) => {
    const text = preserve ? buffer.replace(/^\n+|\s+$/g, '') : tidy(buffer);
    buffer = '';
    if (headingLevel !== undefined) {
      const added = builder.add('heading', text, { level: headingLevel });
      firstHeading ??= added;
    } else {
      builder.add('paragraph', text);
    }
  };
  const endCell = (table: TableState) => {
    if (table.cell === undefined) return;
    (table.cells ??= []).push(tidy(table.cell));
    table.cell = undefined;
  };
  const endRow = (table: TableState) => {
    endCell(table);
    const cells = table.cells;
    table.cells = undefined;
    if (!cells?.some((cell) => cell !== '')) return;
    const text = cleanText(cells.join(' | '));
    if (text === '') return;
    table.header ??= text;
    builder.add('row', text, { header: table.header });
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (skipDepth > 0) {
          skipDepth++;
          if (name === 'title' && skipRoot === 'head') inTitle = true;
          return;
        }
        if (SKIPPED.has(name) || 'hidden' in attribs || /display\s*:\s*none/i.test(attribs.style ?? '')) {
          skipDepth = 1;
          skipRoot = name;
          return;
        }
        const table = tables.at(-1);
        if (name === 'title') inTitle = true;
        else if (name === 'br') appendText(inCell() ? ' ' : '\n', true);
        else if (name === 'table') {
          if (!inCell()) flush();
          tables.push({});
        } else if (table && name === 'tr') endRow(table);
        else if (table && (name === 'td' || name === 'th')) {
          endCell(table);
          table.cell = '';
        } else if (inCell()) {
          if (BLOCKS.has(name) || HEADING.test(name)) appendText(' ');
        } else if (HEADING.test(name)) {
          flush();
          headingLevel = Number(HEADING.exec(name)?.[1]);
        } else if (BLOCKS.has(name)) {
          flush();
          if (name === 'pre') preDepth++;
        }
      },
      ontext(text) {
        if (inTitle) title = (title ?? '') + text;
        else if (skipDepth === 0) appendText(text, preDepth > 0);
      },
      onclosetag(name) {
        if (skipDepth > 0) {
          skipDepth--;
          if (name === 'title') inTitle = false;
          return;
        }
        const table = tables.at(-1);
        if (name === 'title') inTitle = false;
        else if (table && (name === 'td' || name === 'th')) endCell(table);
        else if (table && name === 'tr') endRow(table);
        else if (table && name === 'table') {
          endRow(table);
          tables.pop();
        } else if (inCell()) {
          if (BLOCKS.has(name) || HEADING.test(name)) appendText(' ');
        } else if (HEADING.test(name) && headingLevel !== undefined) {
          flush();
          headingLevel = undefined;
        } else if (name === 'pre' && preDepth > 0) {
          flush(true);
          preDepth--;
        } else if (BLOCKS.has(name)) {
          flush();
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );

  function appendText(text: string, raw = false): void {
    const table = tables.at(-1);
    const collapsed = raw ? text : text.replace(/[ \t\n\r\f]+/g, ' ');
    if (table?.cell !== undefined) table.cell += collapsed;
    else buffer += collapsed;
  }

  parser.write(html);
  parser.end();
  for (const table of tables.reverse()) endRow(table);
  flush(preDepth > 0);
  return { title: title === undefined ? undefined : tidy(title), firstHeading };
}

/** Collapses whitespace (non-breaking spaces included) except explicit line breaks, and trims. */
function tidy(text: string): string {
  return text
    .replace(/[ \t\r\f\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}
