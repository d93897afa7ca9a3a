/**
 * Markdown → blocks: ATX (`# …`) and setext (underlined) headings, paragraphs split on blank lines (list items
 * stay in their paragraph), fenced code blocks kept whole. Inline syntax stays in the text as written.
 */
import { DocumentBuilder } from './document-builder.js';
import type { ExtractedDocument } from './extracted-document.js';
import { readTextFile } from './extract-text.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_1 = /^ {0,3}=+[ \t]*$/;
const SETEXT_2 = /^ {0,3}-+[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const BLANK = /^[ \t]*$/;

/** Reads and extracts a Markdown file; the title is its first level-1 heading. */
export async function extractMarkdown(path: string): Promise<ExtractedDocument> {
  const builder = new DocumentBuilder();
  const title = addMarkdownBlocks(await readTextFile(path), builder);
  return builder.build({ title });
}

/** Adds the blocks of `markdown` (newlines already \n) to `builder`; returns the first level-1 heading. */
export function addMarkdownBlocks(markdown: string, builder: DocumentBuilder): string | undefined {
  const lines = markdown.replace(/^\uFEFF/, '').split('\n');
  let title: string | undefined;
  let paragraph: string[] = [];
  const flush = () => {
    builder.add('paragraph', paragraph.join('\n'));
    paragraph = [];
  };
  const heading = (text: string, level: number) => {
    paragraph = [];
    const added = builder.add('heading', text, { level });
    if (level === 1) title ??= added;
  };

  let index = skipFrontMatter(lines);
  while (index < lines.length) {
    const line = lines[index++]!;
    const fence = FENCE.exec(line);
    if (fence && !(fence[1]!.startsWith('`') && fence[2]!.includes('`'))) {
      flush();
      const marker = fence[1]!;
      const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
      const block = [line];
      while (index < lines.length) {
        const next = lines[index++]!;
        block.push(next);
        if (closing.test(next)) break;
      }
      builder.add('paragraph', block.join('\n'));
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      flush();
      heading(atx[2] ?? '', atx[1]!.length);
    } else if (paragraph.length > 0 && SETEXT_1.test(line)) {
      heading(paragraph.join('\n'), 1);
    } else if (paragraph.length > 0 && SETEXT_2.test(line) && !LIST_ITEM.test(paragraph[0]!)) {
      heading(paragraph.join('\n'), 2);
    } else if (THEMATIC_BREAK.test(line) || BLANK.test(line)) {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return title;
}

/** Index of the first line after a leading YAML front-matter block (`---` … `---`), else 0. */
function skipFrontMatter(lines: string[]): number {
  if (lines[0]?.trimEnd() !== '---') return 0;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!.trimEnd();
    if (line === '---' || line === '...') return index + 1;
  }
  return 0;
}
