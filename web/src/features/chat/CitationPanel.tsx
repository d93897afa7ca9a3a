import { useEffect, useId, useRef } from 'react';
import { useT } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { ErrorState, Loading } from '../../ui/states';
import { useChunk, type ChatSource } from './api';
import { pageLabel } from './MessageParts';

/** The cited passage beside the conversation (a drawer on a phone): exact text, document, page. */
export function CitationPanel({ source, onClose }: { source: ChatSource; onClose: () => void }) {
  const t = useT();
  const titleId = useId();
  const ref = useRef<HTMLElement>(null);
  const chunk = useChunk(source.document_id, source.chunk_id);

  useEffect(() => {
    // Focus moves into the panel and goes back to the citation that opened it.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('dialog[open]')) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, [onClose]);

  const info = chunk.data;
  const page = pageLabel(t, info?.page ?? source.page, info?.page_end ?? source.page_end);
  const heading = info?.heading ?? source.heading;
  return (
    <aside className="chat-citation" role="complementary" aria-labelledby={titleId} ref={ref} tabIndex={-1}>
      <header className="chat-citation-header">
        <h2 id={titleId}>{t('chat.citation.title', { index: source.index })}</h2>
        <button type="button" className="icon-button" aria-label={t('chat.citation.close')} onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <dl className="chat-citation-meta">
        <dt>{t('chat.citation.document')}</dt>
        <dd data-testid="citation-document">{info?.filename ?? source.filename}</dd>
        <dt>{t('chat.citation.location')}</dt>
        <dd data-testid="citation-page">{page ?? t('chat.citation.noPage')}</dd>
        {heading && (
          <>
            <dt>{t('chat.citation.section')}</dt>
            <dd data-testid="citation-section">{heading}</dd>
          </>
        )}
      </dl>
      <h3 className="small muted">{t('chat.citation.text')}</h3>
      {chunk.isPending ? (
        <Loading />
      ) : chunk.isError ? (
        <ErrorState error={chunk.error} onRetry={() => void chunk.refetch()} />
      ) : (
        <blockquote className="chat-citation-text" data-testid="citation-text">
          {chunk.data.content}
        </blockquote>
      )}
    </aside>
  );
}
