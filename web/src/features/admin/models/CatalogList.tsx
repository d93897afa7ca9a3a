import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from '@sinclair/typebox';
import type { CatalogModel } from '../../../../../contracts/models.contract.js';
import { api } from '../../../api/client';
import type { ModelDownload, RegisteredModel } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { catalogDescriptions } from '../../../i18n/id/catalog';
import { errorMessage, ErrorState, Loading } from '../../../ui/states';
import { adminKeys, pullModel } from '../api';
import { formatBytes, formatNumber, percentOf } from '../format';
import { FailureActions, failureText } from './PullFeedback';

type CatalogEntry = Static<typeof CatalogModel>;

/** The catalogue of recommended models (the same list as `privatestack models catalog`) with Pull buttons. */
export function CatalogList(props: { registered: RegisteredModel[]; downloads: ModelDownload[] }) {
  const { t } = useI18n();
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
  // The list is newest first: the first download of a name is its latest pull.
  const latest = (name: string) => props.downloads.find((download) => download.name === name);

  return (
    <section className="admin-subsection" aria-labelledby="catalog-title">
      <h3 id="catalog-title" className="admin-subheading">
        {t('admin.models.catalog')}
      </h3>
      {catalog.isPending && <Loading />}
      {catalog.isError && <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} />}
      <ul className="item-list">
        {catalog.data?.models.map((entry) => (
          <CatalogItem
            key={entry.name}
            entry={entry}
            have={have.has(entry.name)}
            download={latest(entry.name)}
            starting={pull.isPending && pull.variables?.name === entry.name}
            refused={pull.isError && pull.variables?.name === entry.name ? pull.error : null}
            onPull={() => pull.mutate(entry)}
          />
        ))}
      </ul>
    </section>
  );
}

/** One catalogue entry: what it is, and its Pull button with the state of its latest pull beside it. */
function CatalogItem(props: {
  entry: CatalogEntry;
  have: boolean;
  download: ModelDownload | undefined;
  starting: boolean;
  refused: Error | null;
  onPull: () => void;
}) {
  const { t, language, locale } = useI18n();
  const { entry, download } = props;
  const failed = !props.have && download?.status === 'failed' ? download : undefined;
  const running = download?.status === 'downloading';
  const percent = download ? percentOf(download.bytes_done, download.bytes_total) : null;
  // Only built-in descriptions have translations: an organisation's entry of the same name is its own text.
  const translated =
    entry.source === 'builtin' && language === 'id' ? catalogDescriptions[entry.name] : undefined;
  const description = translated ?? entry.description;
  return (
    <li className="card item" data-testid="catalog-entry">
      <div className="item-main">
        <p className="item-title">
          <strong>{entry.name}</strong>{' '}
          <span className="badge">
            {t(entry.kind === 'chat' ? 'admin.models.kindChat' : 'admin.models.kindEmbedding')}
          </span>
          {entry.source === 'organisation' && (
            <>
              {' '}
              <span className="badge" title={t('admin.models.fromOrganisationHint')}>
                {t('admin.models.fromOrganisation')}
              </span>
            </>
          )}
        </p>
        <p className="small" data-testid="catalog-description">
          {description}
        </p>
        <p className="muted small" data-testid="catalog-details">
          {t('admin.models.catalogDetails', {
            size: formatBytes(entry.size_bytes, locale),
            ram: formatBytes(entry.ram_estimate_mib * 1024 * 1024, locale),
            context:
              entry.context_length === null
                ? t('admin.models.contextUnknown')
                : formatNumber(entry.context_length, locale),
            licence: entry.licence ?? t('admin.models.licenceUnknown'),
          })}
        </p>
        {failed && (
          <p className="form-error small" role="alert">
            <strong>{t('admin.models.pullFailed', { name: entry.name })}</strong> {failureText(t, failed)}
          </p>
        )}
        {props.refused && (
          <p className="form-error small" role="alert">
            {t('common.error', { message: errorMessage(props.refused) })}
          </p>
        )}
      </div>
      {failed ? (
        <FailureActions download={failed} />
      ) : (
        <div className="row-actions">
          <button
            type="button"
            className="button"
            disabled={props.have || running || props.starting}
            aria-label={t('admin.models.pullNamed', { name: entry.name })}
            onClick={props.onPull}
          >
            {props.have
              ? t('admin.models.pulled')
              : running
                ? t('admin.models.downloadingPercent', { percent: percent === null ? '' : `${percent} %` })
                : t('admin.models.pull')}
          </button>
        </div>
      )}
    </li>
  );
}
