import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../../../i18n/i18n';
import { ErrorState, Loading } from '../../../ui/states';
import { adminKeys, fetchDownloads, fetchModels } from '../api';
import { formatBytes, formatNumber } from '../format';
import { CatalogList } from './CatalogList';
import { Downloads } from './Downloads';
import { PullUrlForm } from './PullUrlForm';
import { RegistryList } from './RegistryList';

/** Models: what is loaded, the registry, downloads in progress and the catalogue to pull from. */
export function ModelsPage() {
  const { t, locale } = useI18n();
  const models = useQuery({ queryKey: adminKeys.models, queryFn: ({ signal }) => fetchModels(signal) });
  const downloads = useQuery({
    queryKey: adminKeys.downloads,
    queryFn: ({ signal }) => fetchDownloads(signal),
    // Poll every second while something is downloading.
    refetchInterval: (query) =>
      query.state.data?.downloads.some((download) => download.status === 'downloading') ? 1000 : false,
  });
  const engine = models.data?.engine;

  return (
    <div className="admin-section">
      <h2 className="admin-heading">{t('admin.models.title')}</h2>
      {models.isPending ? (
        <Loading />
      ) : models.isError ? (
        <ErrorState error={models.error} onRetry={() => void models.refetch()} />
      ) : (
        <>
          <section className="card loaded-card" aria-labelledby="loaded-model">
            <h3 id="loaded-model" className="stat-title">
              {t('admin.models.loadedNow')}
            </h3>
            {engine?.model ? (
              <p className="loaded-line" data-testid="loaded-model">
                <code>{engine.model.id}</code>{' '}
                <span className="badge badge-ok">{t('admin.models.loaded')}</span>{' '}
                <span className="muted small">
                  {t('admin.models.loadedDetails', {
                    architecture: engine.model.architecture ?? '—',
                    context: formatNumber(engine.model.context_size, locale),
                    parallel: engine.model.parallel_sequences,
                    size: formatBytes(engine.model.size_bytes, locale),
                  })}
                </span>
              </p>
            ) : (
              <p className="muted">{t('admin.models.noneLoaded')}</p>
            )}
          </section>
          <RegistryList models={models.data.models} />
        </>
      )}
      <Downloads query={downloads} />
      <PullUrlForm downloads={downloads.data?.downloads ?? []} />
      <CatalogList registered={models.data?.models ?? []} downloads={downloads.data?.downloads ?? []} />
    </div>
  );
}
