import type { ReactNode } from 'react';
import type { AdminStats } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { formatBytes, formatDuration, formatNumber } from '../format';

/** A titled card of figures. */
function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card stat-card" aria-label={title}>
      <h3 className="stat-title">{title}</h3>
      <dl className="stat-list">{children}</dl>
    </section>
  );
}

/** One figure in a card. */
function Figure({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat-row">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** The dashboard's cards: uptime, CPU, memory, model, cache and totals. */
export function StatCards({ stats }: { stats: AdminStats }) {
  const { t, locale } = useI18n();
  const { system, model, totals, cache } = stats;
  const n = (value: number, digits = 0) => formatNumber(value, locale, digits);
  const bytes = (value: number) => formatBytes(value, locale);
  const used = system.system_total_bytes - system.system_free_bytes;
  const load = system.load_average.map((value) => n(value, 2)).join(' / ');

  return (
    <div className="stat-grid">
      <Card title={t('admin.card.uptime')}>
        <Figure
          label={t('admin.card.since')}
          value={<strong>{formatDuration(system.uptime_seconds)}</strong>}
        />
      </Card>
      <Card title={t('admin.card.cpu')}>
        <Figure label={t('admin.card.cores')} value={n(system.cpu_cores)} />
        <Figure label={t('admin.card.load')} value={load || '—'} />
        <Figure label={t('admin.card.processCpu')} value={`${n(system.process_cpu_percent, 1)} %`} />
        <p className="muted small stat-note">{system.cpu_model}</p>
      </Card>
      <Card title={t('admin.card.memory')}>
        <Figure label={t('admin.card.rss')} value={bytes(system.rss_bytes)} />
        <Figure label={t('admin.card.heap')} value={bytes(system.heap_used_bytes)} />
        <Figure
          label={t('admin.card.systemMemory')}
          value={t('admin.card.usedOf', { used: bytes(used), total: bytes(system.system_total_bytes) })}
        />
        <meter
          className="stat-meter"
          min={0}
          max={system.system_total_bytes}
          value={used}
          aria-label={t('admin.card.systemMemory')}
        />
      </Card>
      <Card title={t('admin.card.model')}>
        {model ? (
          <>
            <Figure label={t('admin.card.modelId')} value={<code>{model.id}</code>} />
            <Figure label={t('admin.card.architecture')} value={model.architecture ?? '—'} />
            <Figure label={t('admin.card.context')} value={n(model.context_size)} />
            <Figure label={t('admin.card.parallel')} value={n(model.parallel_sequences)} />
            <Figure
              label={t('admin.card.activeQueued')}
              value={`${n(model.active_sequences)} / ${n(model.queued_requests)}`}
            />
          </>
        ) : (
          <Figure label={t('admin.card.modelId')} value={t('admin.card.noModel')} />
        )}
      </Card>
      <Card title={t('admin.card.cache')}>
        <Figure
          label={t('admin.card.hitRate')}
          value={cache.hit_rate === null ? t('admin.card.cacheOff') : `${n(cache.hit_rate * 100, 1)} %`}
        />
      </Card>
      <Card title={t('admin.card.totals')}>
        <Figure label={t('admin.card.requests')} value={n(totals.requests)} />
        <Figure label={t('admin.card.errors')} value={n(totals.errors)} />
        <Figure label={t('admin.card.promptTokens')} value={n(totals.prompt_tokens)} />
        <Figure label={t('admin.card.completionTokens')} value={n(totals.completion_tokens)} />
        <Figure label={t('admin.card.users')} value={n(totals.users)} />
        <Figure label={t('admin.card.conversations')} value={n(totals.conversations)} />
        <Figure label={t('admin.card.documents')} value={n(totals.documents)} />
      </Card>
    </div>
  );
}
