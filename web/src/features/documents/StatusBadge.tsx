import type { FileInfo } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { formatNumber } from './format';

/** A document's processing state: a spinner while queued or processing, the chunk count when ready. */
export function StatusBadge({ file }: { file: Pick<FileInfo, 'status' | 'chunk_count'> }) {
  const { t, locale } = useI18n();
  switch (file.status) {
    case 'UPLOADED':
    case 'PROCESSING':
      return (
        <span className="badge badge-warn docs-status" data-status={file.status}>
          <span className="spinner docs-status-spinner" aria-hidden="true" />
          {t(`documents.status.${file.status}`)}
        </span>
      );
    case 'PROCESSED':
      return (
        <span className="badge badge-ok docs-status" data-status={file.status}>
          {t('documents.status.PROCESSED')}
          {' · '}
          {file.chunk_count === 1
            ? t('documents.chunksOne')
            : t('documents.chunks', { count: formatNumber(file.chunk_count, locale) })}
        </span>
      );
    default:
      return (
        <span className="badge badge-error docs-status" data-status={file.status}>
          {t('documents.status.FAILED')}
        </span>
      );
  }
}
