// Syntax highlighting with highlight.js core and a handful of languages, to keep the bundle small.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = { bash, css, go, java, javascript, json, plaintext, python, sql, typescript, xml, yaml };
for (const [name, definition] of Object.entries(languages)) hljs.registerLanguage(name, definition);

/** Escapes text for use inside HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// Finished blocks do not change while an answer streams: remember their highlighting.
const cache = new Map<string, string>();
const CACHE_SIZE = 200;

/**
 * The code as HTML: highlight.js spans when the language is one we know, else escaped text. The
 * result still goes through the sanitiser.
 */
export function highlightCode(code: string, lang: string | undefined): { html: string; language: string } {
  const word = (lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const requested = /^[\w+#.-]{1,24}$/.test(word) ? word : '';
  const known = requested ? hljs.getLanguage(requested) : undefined;
  if (!known) return { html: escapeHtml(code), language: requested };
  const key = `${requested}\u0000${code}`;
  const cached = cache.get(key);
  if (cached !== undefined) return { html: cached, language: requested };
  const html = hljs.highlight(code, { language: requested, ignoreIllegals: true }).value;
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, html);
  return { html, language: requested };
}
