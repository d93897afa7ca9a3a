import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ModelDownload } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { ErrorState, Loading } from '../../../ui/states';
import { adminKeys } from '../api';
import { formatBytes, formatDateTime, percentOf } from '../format';
import { FailureActions, failureText } from './PullFeedback';

/**
 * Recent downloads with a progress bar each, a failed one with its reason, Retry and Dismiss; the list
 * polls every second while one runs.
 */
export function Downloads({ query }: { query: UseQueryResult<{ downloads: ModelDownload[] }> }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const finished = useRef<Set<string> | null>(null);
  const downloads = query.data?.downloads;

  useEffect(() => {
    // A download that completes while we watch registers a model: show it in the registry.
    if (!downloads) return;
    const done = new Set(downloads.filter((d) => d.status === 'completed').map((d) => d.id));
    const before = finished.current;
    finished.current = done;
    if (before && [...done].some((id) => !before.has(id))) {
      void queryClient.invalidateQueries({ queryKey: adminKeys.models });
    }
  }, [downloads, queryClient]);

  return (
    <section className="admin-subsection" aria-labelledby="downloads-title">
      <h3 id="downloads-title" className="admin-subheading">
        {t('admin.models.downloads')}
      </h3>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.downloads.length === 0 ? (
        <p className="muted">{t('admin.models.noDownloads')}</p>
      ) : (
        <ul className="item-list">
          {query.data.downloads.map((download) => {
            const percent = percentOf(download.bytes_done, download.bytes_total);
            const label = t('admin.models.progressOf', { name: download.name });
            return (
              <li key={download.id} className="card item download" data-testid="download">
                <div className="item-main">
                  <p className="item-title">
                    <strong>{download.name}</strong>{' '}
                    <span
                      className={`badge ${
                        download.status === 'completed'
                          ? 'badge-ok'
                          : download.status === 'failed'
                            ? 'badge-error'
                            : 'badge-warn'
                      }`}
                    >
                      {t(`admin.models.status.${download.status}`)}
                    </span>
                  </p>
                  {download.status === 'downloading' && (
                    <div className="progress-row">
                      <progress
                        className="progress"
                        aria-label={label}
                        max={100}
                        {...(percent !== null && { value: percent })}
                      />
                      <span className="small" data-testid="download-percent">
                        {percent === null ? '…' : `${percent} %`}
                      </span>
                    </div>
                  )}
                  <p className="muted small">
                    {formatBytes(download.bytes_done, locale)}
                    {download.bytes_total !== null &&
                      ` / ${formatBytes(download.bytes_total, locale)}`} ·{' '}
                    {formatDateTime(download.updated_at, locale)}
                  </p>
                  {download.status === 'failed' && (
                    <p className="form-error small">{failureText(t, download)}</p>
                  )}
                </div>
                {download.status === 'failed' && <FailureActions download={download} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
