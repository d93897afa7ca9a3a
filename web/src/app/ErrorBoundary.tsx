import { Component, type ReactNode } from 'react';
import { useT } from '../i18n/i18n';

function Fallback({ error }: { error: Error }) {
  const t = useT();
  return (
    <section className="page state state-error" role="alert">
      <p>{t('common.error', { message: error.message })}</p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        {t('common.reload')}
      </button>
    </section>
  );
}

/**
 * Catches what a screen throws while rendering, or a code chunk that failed to load (offline, or a new
 * version deployed while the tab was open), and offers a reload instead of a blank page.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render(): ReactNode {
    return this.state.error ? <Fallback error={this.state.error} /> : this.props.children;
  }
}
