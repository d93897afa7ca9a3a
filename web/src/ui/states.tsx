import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useT } from '../i18n/i18n';
import { messages, type Language, type MessageKey } from '../i18n/messages';

/** A spinner with a text for screen readers. */
export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

/** An error with the server's message and a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const message = errorMessage(error);
  return (
    <div className="state state-error" role="alert">
      <p>{t('common.error', { message })}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** What a list shows when it has nothing yet, with an optional action. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/**
 * Plain-language message for an error, in the page's language: a translation for the codes whose
 * meaning is the whole message (signed out, forbidden, busy…), else the server's own words, which name
 * the field or file concerned.
 */
export function errorMessage(error: unknown): string {
  const language: Language = document.documentElement.lang === 'id' ? 'id' : 'en';
  const strings = messages[language];
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    return key in strings ? strings[key as MessageKey] : error.message;
  }
  if (error instanceof TypeError) return strings['common.offline'];
  if (error instanceof Error) return error.message;
  return String(error);
}
