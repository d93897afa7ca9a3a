import type { FileInfo } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { formatBytes, formatDate, formatNumber, kindLabel } from './format';
import { StatusBadge } from './StatusBadge';

/** What a row may do, and the handlers it calls. */
export interface RowActions {
  canReprocess: boolean;
  canDelete: boolean;
  reprocessing: boolean;
  onPreview: () => void;
  onDownload: () => void;
  onReprocess: () => void;
  onDelete: () => void;
}

/** One document: a table row on a wide screen, a card on a phone (CSS). */
export function DocumentRow({
  file,
  workspaceName,
  uploader,
  actions,
}: {
  file: FileInfo;
  workspaceName: string;
  uploader: string;
  actions: RowActions;
}) {
  const { t, locale } = useI18n();
  const name = file.original_filename;
  const details = [
    kindLabel(file.kind, t),
    formatBytes(file.file_size, locale),
    ...(file.page_count
      ? [
          file.page_count === 1
            ? t('documents.pageCountOne')
            : t('documents.pageCount', { count: formatNumber(file.page_count, locale) }),
        ]
      : []),
  ];
  return (
    <tr className="docs-row" data-testid="document-row" data-status={file.status}>
      <td className="docs-cell-name">
        <span className="docs-name">{name}</span>
        <span className="docs-details muted small">{details.join(' · ')}</span>
        {file.visibility !== 'workspace' && (
          <span className="badge docs-visibility">{t(`documents.visibility.${file.visibility}`)}</span>
        )}
      </td>
      <td data-label={t('documents.column.status')}>
        <StatusBadge file={file} />
        {file.status === 'FAILED' && file.error && (
          <p className="docs-failure small" data-testid="failure-reason">
            {file.error}
          </p>
        )}
      </td>
      <td data-label={t('documents.column.workspace')}>{workspaceName}</td>
      <td data-label={t('documents.column.uploaded')}>
        <span className="docs-uploader">{uploader}</span>
        <span className="muted small docs-date">
          <time dateTime={file.uploaded_at}>{formatDate(file.uploaded_at, locale)}</time>
        </span>
      </td>
      <td className="docs-cell-actions">
        <div className="docs-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={t('documents.action.preview', { name })}
            title={t('documents.action.previewShort')}
            onClick={actions.onPreview}
          >
            <Icon name="eye" />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('documents.action.download', { name })}
            title={t('documents.action.downloadShort')}
            onClick={actions.onDownload}
          >
            <Icon name="download" />
          </button>
          {actions.canReprocess && (
            <button
              type="button"
              className="icon-button"
              aria-label={t('documents.action.reprocess', { name })}
              title={t('documents.action.reprocessShort')}
              disabled={actions.reprocessing || file.status === 'UPLOADED' || file.status === 'PROCESSING'}
              onClick={actions.onReprocess}
            >
              <Icon name="refresh" />
            </button>
          )}
          {actions.canDelete && (
            <button
              type="button"
              className="icon-button docs-danger"
              aria-label={t('documents.action.delete', { name })}
              title={t('documents.action.deleteShort')}
              onClick={actions.onDelete}
            >
              <Icon name="trash" />
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
