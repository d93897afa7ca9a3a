import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from '@sinclair/typebox';
import type { CatalogModel } from '../../../../../contracts/models.contract.js';
import { api } from '../../../api/client';
import type { ModelDownload, RegisteredModel } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { errorMessage, ErrorState, Loading } from '../../../ui/states';
import { adminKeys, pullModel } from '../api';
import { formatBytes, formatNumber } from '../format';

type CatalogEntry = Static<typeof CatalogModel>;

/** The catalogue of recommended models (the same list as `privatestack models catalog`) with Pull buttons. */
export function CatalogList(props: { registered: RegisteredModel[]; downloads: ModelDownload[] }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const catalog = useQuery({
    queryKey: ['admin', 'catalog'],
    queryFn: () => api<{ models: CatalogEntry[] }>('GET', '/api/v1/models/catalog'),
    staleTime: Infinity,
  });
  const pull = useMutation({
    mutationFn: (entry: CatalogEntry) => pullModel(entry.name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.downloads }),
  });
  const have = new Set(props.registered.map((model) => model.name));
  const running = new Set(
    props.downloads.filter((download) => download.status === 'downloading').map((download) => download.name),
  );

  return (
    <section className="admin-subsection" aria-labelledby="catalog-title">
      <h3 id="catalog-title" className="admin-subheading">
        {t('admin.models.catalog')}
      </h3>
      {pull.isError && (
        <p className="form-error" role="alert">
          {t('common.error', { message: errorMessage(pull.error) })}
        </p>
      )}
      {catalog.isPending && <Loading />}
      {catalog.isError && <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} />}
      <ul className="item-list">
        {catalog.data?.models.map((entry) => {
          const state = have.has(entry.name) ? 'have' : running.has(entry.name) ? 'running' : null;
          return (
            <li key={entry.name} className="card item">
              <div className="item-main">
                <p className="item-title">
                  <strong>{entry.name}</strong>{' '}
                  <span className="badge">
                    {t(entry.kind === 'chat' ? 'admin.models.kindChat' : 'admin.models.kindEmbedding')}
                  </span>
                </p>
                <p className="small">{entry.description}</p>
                <p className="muted small">
                  {t('admin.models.catalogDetails', {
                    size: formatBytes(entry.size_bytes, locale),
                    ram: formatBytes(entry.ram_estimate_mib * 1024 * 1024, locale),
                    context: formatNumber(entry.context_length, locale),
                    licence: entry.licence,
                  })}
                </p>
              </div>
              <div className="row-actions">
                <button
                  type="button"
                  className="button"
                  disabled={state !== null || (pull.isPending && pull.variables?.name === entry.name)}
                  aria-label={t('admin.models.pullNamed', { name: entry.name })}
                  onClick={() => pull.mutate(entry)}
                >
                  {state === 'have'
                    ? t('admin.models.pulled')
                    : state === 'running'
                      ? t('admin.models.status.downloading')
                      : t('admin.models.pull')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
