import 'highlight.js/styles/github.css';
import './markdown.css';
import { useCallback, useMemo, useState, useSyncExternalStore, type MouseEvent } from 'react';
import { useT } from '../../../i18n/i18n';
import { ExternalImageDialog } from './ExternalImageDialog';
import { highlighterVersion, subscribeHighlighter } from './highlight';
import { renderMarkdown, type MarkdownLabels } from './render';
import type { Source } from './sources';

const NO_SOURCES: readonly Source[] = [];

/**
 * An assistant answer rendered as markdown, then sanitised: raw HTML never runs, outside images are
 * not loaded, `[n]` citations of known sources become buttons. Pass a stable `sources` array.
 */
export function Markdown(props: {
  text: string;
  sources?: readonly Source[];
  onCitation?: (index: number) => void;
  streaming?: boolean;
}) {
  const { text, sources = NO_SOURCES, onCitation, streaming = false } = props;
  const t = useT();
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const labels = useMemo<MarkdownLabels>(
    () => ({
      copyCode: t('markdown.copyCode'),
      code: t('markdown.code'),
      externalImage: (host) => t('markdown.externalImage', { host }),
      citation: (source) => {
        const names = { index: source.index, filename: source.filename };
        if (source.page === null) return t('markdown.citation', names);
        if (source.page_end != null && source.page_end !== source.page) {
          return t('markdown.citationPages', { ...names, page: source.page, pageEnd: source.page_end });
        }
        return t('markdown.citationPage', { ...names, page: source.page });
      },
    }),
    [t],
  );
  // Re-rendered only when the text (or the sources, or the language) changes, so streaming stays cheap.
  // Re-render once when the lazily loaded highlighter arrives (the version is read in the memo so the
  // hooks linter accepts it as a dependency; it is always >= 0).
  const highlighter = useSyncExternalStore(subscribeHighlighter, highlighterVersion);
  const html = useMemo(
    () => (highlighter >= 0 ? renderMarkdown(text, sources, labels) : ''),
    [text, sources, labels, highlighter],
  );

  const closeImage = useCallback(() => setImageUrl(null), []);

  const onClick = useCallback(
    (event: MouseEvent<HTMLDivElement>) => {
      const target = event.target instanceof Element ? event.target.closest('button') : null;
      if (!target || !event.currentTarget.contains(target)) return;
      // A placeholder may sit inside a link: the button's action replaces the link's.
      event.preventDefault();
      const citation = target.getAttribute('data-citation');
      const image = target.getAttribute('data-external-image');
      if (citation !== null) onCitation?.(Number(citation));
      else if (image !== null) setImageUrl(image);
      else if (target.hasAttribute('data-copy-code')) {
        const code = target.closest('.md-code')?.querySelector('pre');
        if (code) void copyCode(code, target, t('markdown.copied'), t('markdown.copyFailed'));
      }
    },
    [onCitation, t],
  );

  return (
    <>
      <div
        className={streaming ? 'md md-streaming' : 'md'}
        aria-busy={streaming || undefined}
        onClick={onClick}
        dangerouslySetInnerHTML={{ __html: html }}
      />
      {/* Stays mounted so that closing it gives focus back to the placeholder. */}
      <ExternalImageDialog url={imageUrl} onClose={closeImage} />
    </>
  );
}

/** Copies a code block's text; the button says whether it worked for a moment. */
async function copyCode(pre: HTMLElement, button: HTMLElement, copied: string, failed: string) {
  const text = pre.textContent ?? '';
  const label = button.textContent;
  let ok: boolean;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // No clipboard API outside a secure context (plain http on a LAN): copy the selection instead.
    const selection = window.getSelection();
    selection?.selectAllChildren(pre);
    ok = document.execCommand('copy');
    selection?.removeAllRanges();
  }
  button.textContent = ok ? copied : failed;
  setTimeout(() => {
    button.textContent = label;
  }, 2000);
}
