import { useEffect, useState } from 'react';
import type { Message } from '../../api/types';
import { useI18n, useT, type Translate } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import type { ChatSource } from './api';

/** The model's reasoning, collapsed above the answer. */
export function Reasoning({ text, streaming }: { text: string; streaming?: boolean }) {
  const t = useT();
  return (
    <details className="chat-reasoning">
      <summary>
        {t('chat.reasoning')}
        {streaming && <span className="spinner chat-inline-spinner" aria-hidden="true" />}
      </summary>
      <div className="chat-reasoning-text">{text}</div>
    </details>
  );
}

/** "page 3" or "pages 3–5", or nothing without a page. */
export function pageLabel(t: Translate, page: number | null, pageEnd?: number | null): string | null {
  if (page === null) return null;
  return pageEnd && pageEnd !== page
    ? t('chat.pages', { from: page, to: pageEnd })
    : t('chat.page', { page });
}

/** The sources of an answer, each a button opening the cited passage. */
export function SourceList({
  sources,
  onOpen,
}: {
  sources: ChatSource[];
  onOpen: (source: ChatSource) => void;
}) {
  const t = useT();
  return (
    <div className="chat-sources">
      <h3 className="chat-sources-title small muted">{t('chat.sources')}</h3>
      <ul>
        {sources.map((source) => {
          const page = pageLabel(t, source.page, source.page_end);
          return (
            <li key={source.index}>
              <button
                type="button"
                className={`chat-source ${source.cited ? 'chat-source-cited' : ''}`}
                onClick={() => onOpen(source)}
              >
                <Icon name="documents" size={14} />
                <span>{t('chat.sourceButton', { index: source.index, filename: source.filename })}</span>
                {page && <span className="muted">· {page}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Copies the answer's text; says "Copied" for a moment. */
export function CopyButton({ text }: { text: string }) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className="button chat-copy" title={t('chat.copy')} onClick={() => void copy()}>
      <Icon name="copy" size={16} />
      <span aria-live="polite">
        {state === 'copied' ? t('chat.copied') : state === 'failed' ? t('chat.copyFailed') : t('common.copy')}
      </span>
    </button>
  );
}

/** Time and tokens of a stored answer, in small print. */
export function MessageStats({ message }: { message: Message }) {
  const { t, locale } = useI18n();
  if (message.latency_ms === null || !message.usage) return null;
  const seconds = (message.latency_ms / 1000).toLocaleString(locale, { maximumFractionDigits: 1 });
  return (
    <span className="muted small chat-stats">
      {t('chat.stats', { seconds, tokens: message.usage.completion_tokens })}
    </span>
  );
}
