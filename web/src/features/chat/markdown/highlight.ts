// Syntax highlighting with highlight.js core and a handful of languages, loaded when first needed.
import type { HLJSApi } from 'highlight.js';

// highlight.js loads on the first code block, not with the chat screen: most answers have none.
let hljs: HLJSApi | null = null;
let loading = false;
let version = 0;
const listeners = new Set<() => void>();

function loadHighlighter(): void {
  if (loading) return;
  loading = true;
  void import('./languages').then(
    (module) => {
      hljs = module.default;
      version += 1;
      for (const listener of listeners) listener();
    },
    () => {
      loading = false; // offline or a failed chunk: code stays plain, the next block tries again
    },
  );
}

/** Subscribes to the highlighter's arrival (for useSyncExternalStore). */
export function subscribeHighlighter(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Changes once, when the highlighter has loaded: a render dependency. */
export function highlighterVersion(): number {
  return version;
}

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
  if (!hljs) {
    if (requested) loadHighlighter();
    return { html: escapeHtml(code), language: requested };
  }
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
