// Markdown → HTML (marked) → sanitised DOM (DOMPurify) → citations, image placeholders, copy buttons.
import { Marked, type Tokens } from 'marked';
import { highlightCode } from './highlight';
import { sanitize } from './sanitize';
import type { Source } from './sources';

/** Translated strings the renderer writes into the HTML. */
export interface MarkdownLabels {
  copyCode: string;
  /** Shown above a code block without a language. */
  code: string;
  externalImage: (host: string) => string;
  citation: (source: Source) => string;
}

/**
 * Renames style attributes and <style>/<base> tags in raw HTML so that merely parsing it for the
 * sanitiser does not trip the page's CSP (Chrome logs an error for each). Not a security boundary:
 * DOMPurify is; what this misses is still blocked by the CSP and removed by the sanitiser.
 */
function quietRawHtml(html: string): string {
  return html
    .replace(/([\s/"'])style(\s*=)/gi, '$1data-md-style$2')
    .replace(/<(\/?)(style|base)\b/gi, '<$1x-md-$2');
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  walkTokens(token) {
    if (token.type !== 'html') return;
    const html = token as Tokens.HTML | Tokens.Tag;
    html.text = quietRawHtml(html.text);
  },
  renderer: {
    code({ text, lang }) {
      const { html, language } = highlightCode(text, lang);
      return `<pre><code class="hljs${language ? ` language-${language}` : ''}">${html}</code></pre>\n`;
    },
    checkbox({ checked }) {
      return `<span class="md-task">${checked ? '☑' : '☐'}</span> `;
    },
  },
});

const CITATION = /\[(\d{1,3})\]/g;

/**
 * The safe HTML for an answer: markdown rendered, then sanitised, then decorated on the sanitised
 * DOM with elements built by us (never from the text). `base` is the page URL images are judged by.
 */
export function renderMarkdown(
  text: string,
  sources: readonly Source[],
  labels: MarkdownLabels,
  base: string = window.location.href,
): string {
  const { fragment, held } = sanitize(marked.parse(text, { async: false }), base);
  const doc = fragment.ownerDocument;
  for (const { node, url, host } of held.external) {
    const button = doc.createElement('button');
    button.type = 'button';
    button.className = 'md-external-image';
    button.setAttribute('data-external-image', url);
    button.textContent = labels.externalImage(host);
    node.replaceWith(button);
  }
  for (const node of held.dropped) node.replaceWith(doc.createTextNode(node.getAttribute('alt') ?? ''));
  decorateCodeBlocks(fragment, labels);
  linkCitations(fragment, sources, labels);
  const holder = doc.createElement('div');
  holder.append(fragment);
  return holder.innerHTML;
}

/** Puts a bar with the language and a copy button above every code block. */
function decorateCodeBlocks(fragment: DocumentFragment, labels: MarkdownLabels): void {
  const doc = fragment.ownerDocument;
  for (const pre of Array.from(fragment.querySelectorAll('pre'))) {
    const code = pre.querySelector(':scope > code');
    const language = Array.from(code?.classList ?? [])
      .find((name) => name.startsWith('language-'))
      ?.slice('language-'.length);
    const wrapper = doc.createElement('div');
    wrapper.className = 'md-code';
    const bar = doc.createElement('div');
    bar.className = 'md-code-bar';
    const name = doc.createElement('span');
    name.className = 'md-code-lang';
    name.textContent = language || labels.code;
    const copy = doc.createElement('button');
    copy.type = 'button';
    copy.className = 'md-copy';
    copy.setAttribute('data-copy-code', '');
    copy.textContent = labels.copyCode;
    bar.append(name, copy);
    // A wide block scrolls sideways; keyboard users need to reach it to scroll it.
    pre.setAttribute('tabindex', '0');
    pre.replaceWith(wrapper);
    wrapper.append(bar, pre);
  }
}

/** Turns `[n]` in text (not in code or links) into a button for each n that is a known source. */
function linkCitations(fragment: DocumentFragment, sources: readonly Source[], labels: MarkdownLabels): void {
  if (sources.length === 0) return;
  const byIndex = new Map(sources.map((source) => [source.index, source]));
  const doc = fragment.ownerDocument;
  const walker = doc.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node as Text;
    CITATION.lastIndex = 0;
    if (CITATION.test(text.data) && !text.parentElement?.closest('pre, code, a, button')) texts.push(text);
  }
  for (const text of texts) {
    const parts = doc.createDocumentFragment();
    let last = 0;
    for (const match of text.data.matchAll(CITATION)) {
      const source = byIndex.get(Number(match[1]));
      if (!source) continue;
      parts.append(text.data.slice(last, match.index));
      const button = doc.createElement('button');
      button.type = 'button';
      button.className = 'citation';
      button.setAttribute('data-citation', String(source.index));
      button.setAttribute('aria-label', labels.citation(source));
      button.setAttribute('title', labels.citation(source));
      button.textContent = `[${source.index}]`;
      parts.append(button);
      last = match.index + match[0].length;
    }
    if (last === 0) continue;
    parts.append(text.data.slice(last));
    text.replaceWith(parts);
  }
}
