import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { ErrorState, Loading } from '../../../ui/states';
import { adminKeys, fetchStats } from '../api';
import { formatDateTime } from '../format';
import { StatCards } from './StatCards';
import { UsageCharts } from './UsageCharts';

const WINDOWS = [
  { hours: 24, label: 'admin.window.24h' },
  { hours: 24 * 7, label: 'admin.window.7d' },
  { hours: 24 * 30, label: 'admin.window.30d' },
] as const;

/** The dashboard: system, model and usage figures for a chosen window, refreshed every 15 seconds. */
export function Dashboard() {
  const { t, locale } = useI18n();
  const [hours, setHours] = useState<number>(24);
  const stats = useQuery({
    queryKey: adminKeys.stats(hours),
    queryFn: ({ signal }) => fetchStats(hours, signal),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });

  return (
    <div className="admin-section">
      <div className="admin-toolbar">
        <h2 className="admin-heading">{t('admin.dashboard.title')}</h2>
        <div className="segmented" role="group" aria-label={t('admin.window.label')}>
          {WINDOWS.map((window) => (
            <button
              key={window.hours}
              type="button"
              className="segmented-option"
              aria-pressed={hours === window.hours}
              onClick={() => setHours(window.hours)}
            >
              {t(window.label)}
            </button>
          ))}
        </div>
      </div>
      {stats.isPending ? (
        <Loading />
      ) : stats.isError && !stats.data ? (
        <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <>
          <p className="muted small" aria-live="polite">
            {t('admin.dashboard.updated', { time: formatDateTime(stats.data.generated_at, locale) })}
            {stats.isError && ` · ${t('admin.dashboard.stale')}`}
          </p>
          <StatCards stats={stats.data} />
          <UsageCharts stats={stats.data} />
        </>
      )}
    </div>
  );
}
