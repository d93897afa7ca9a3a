import type { AdminStats } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { EmptyState } from '../../../ui/states';
import { BarChart } from '../charts/BarChart';
import { formatMs, formatNumber } from '../format';
import { toSeries } from './buckets';

const PERCENTILES = ['p50', 'p90', 'p95', 'p99'] as const;

/** The dashboard's charts: requests and errors, tokens, and latency percentiles. */
export function UsageCharts({ stats }: { stats: AdminStats }) {
  const { t, locale } = useI18n();
  const series = toSeries(stats.usage, stats.window_hours, locale);
  const count = (value: number) => formatNumber(value, locale);
  const compact = (value: number) => value.toLocaleString(locale, { notation: 'compact' });
  const xLabel = series.perDay ? t('admin.chart.day') : t('admin.chart.hour');
  const per = series.perDay ? t('admin.chart.perDay') : t('admin.chart.perHour');
  const peak = Math.max(0, ...series.requests);
  const peakIndex = series.requests.indexOf(peak);
  const latencyKnown = PERCENTILES.some((key) => stats.latency_ms[key] !== null);

  return (
    <div className="chart-grid">
      <section className="card chart-card" aria-labelledby="chart-requests">
        <h3 id="chart-requests" className="stat-title">
          {t('admin.chart.requestsTitle', { per })}
        </h3>
        <BarChart
          title={t('admin.chart.requestsTitle', { per })}
          summary={t('admin.chart.requestsSummary', {
            requests: count(stats.totals.requests),
            errors: count(stats.totals.errors),
            peak: count(peak),
            when: peak > 0 ? (series.fullLabels[peakIndex] ?? '') : '—',
          })}
          categories={series.labels}
          tableCategories={series.fullLabels}
          series={[
            { label: t('admin.card.requests'), className: 'series-1', values: series.requests },
            { label: t('admin.card.errors'), className: 'series-error', values: series.errors },
          ]}
          xLabel={xLabel}
          yLabel={t('admin.chart.count')}
          integer
          format={count}
        />
      </section>
      <section className="card chart-card" aria-labelledby="chart-tokens">
        <h3 id="chart-tokens" className="stat-title">
          {t('admin.chart.tokensTitle', { per })}
        </h3>
        <BarChart
          title={t('admin.chart.tokensTitle', { per })}
          summary={t('admin.chart.tokensSummary', {
            prompt: count(stats.totals.prompt_tokens),
            completion: count(stats.totals.completion_tokens),
          })}
          categories={series.labels}
          tableCategories={series.fullLabels}
          series={[
            { label: t('admin.card.promptTokens'), className: 'series-1', values: series.promptTokens },
            {
              label: t('admin.card.completionTokens'),
              className: 'series-2',
              values: series.completionTokens,
            },
          ]}
          stacked
          integer
          xLabel={xLabel}
          yLabel={t('admin.chart.tokens')}
          format={compact}
        />
      </section>
      <section className="card chart-card" aria-labelledby="chart-latency">
        <h3 id="chart-latency" className="stat-title">
          {t('admin.chart.latencyTitle')}
        </h3>
        {latencyKnown ? (
          <BarChart
            title={t('admin.chart.latencyTitle')}
            summary={t('admin.chart.latencySummary', {
              p50: formatMs(stats.latency_ms.p50, locale),
              p99: formatMs(stats.latency_ms.p99, locale),
              ttft: formatMs(stats.time_to_first_token_ms.p50, locale),
            })}
            categories={[...PERCENTILES]}
            series={[
              {
                label: t('admin.chart.latency'),
                className: 'series-1',
                values: PERCENTILES.map((key) => stats.latency_ms[key] ?? 0),
              },
              {
                label: t('admin.chart.ttft'),
                className: 'series-2',
                values: PERCENTILES.map((key) => stats.time_to_first_token_ms[key] ?? 0),
              },
            ]}
            xLabel={t('admin.chart.percentile')}
            yLabel={t('admin.chart.ms')}
            format={(value) => formatNumber(value, locale)}
          />
        ) : (
          <EmptyState title={t('admin.chart.noAnswers')} />
        )}
      </section>
    </div>
  );
}
