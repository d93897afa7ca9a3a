import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { Icon } from '../../ui/Icon';
import { formatBytes } from './format';
import type { UploadItem } from './useUploads';

const ERROR_SUMMARY: Record<string, MessageKey> = {
  FILE_TYPE_MISMATCH: 'documents.uploadError.mismatch',
  UNSUPPORTED_MEDIA_TYPE: 'documents.uploadError.unsupported',
  PAYLOAD_TOO_LARGE: 'documents.uploadError.tooLarge',
  FILE_EMPTY: 'documents.uploadError.empty',
  FORBIDDEN: 'documents.uploadError.forbidden',
  NOT_FOUND: 'documents.uploadError.notFound',
  CONFLICT: 'documents.uploadError.conflict',
  NETWORK: 'documents.uploadError.network',
};

/** The files being uploaded (or refused) since sign-in, each with its own progress bar or reason. */
export function UploadQueue({
  items,
  onDismiss,
  onClear,
}: {
  items: readonly UploadItem[];
  onDismiss: (id: string) => void;
  onClear: () => void;
}) {
  const { t, locale } = useI18n();
  if (items.length === 0) return null;
  const reason = (item: UploadItem): string | null => {
    if (item.problem?.kind === 'extension')
      return t('documents.precheck.extension', {
        extension: item.problem.extension
          ? `.${item.problem.extension}`
          : t('documents.precheck.noExtension'),
        types: item.problem.accepted.map((extension) => `.${extension}`).join(', '),
      });
    if (item.problem?.kind === 'size') return t('documents.precheck.size', { max: item.problem.maxMb });
    if (item.problem?.kind === 'empty') return t('documents.precheck.empty');
    if (item.error) {
      const key = ERROR_SUMMARY[item.error.code];
      const summary = key ? t(key) : t('documents.uploadError.generic');
      return item.error.message ? `${summary} ${item.error.message}` : summary;
    }
    return null;
  };
  return (
    <div className="docs-queue">
      <div className="docs-queue-head">
        <h3 className="docs-subtitle">{t('documents.queue.title')}</h3>
        {items.some((item) => item.state !== 'uploading') && (
          <button type="button" className="button-link button" onClick={onClear}>
            {t('documents.queue.clear')}
          </button>
        )}
      </div>
      <ul className="docs-queue-list" aria-live="polite">
        {items.map((item) => {
          const why = reason(item);
          const percent = Math.round(item.progress * 100);
          return (
            <li
              key={item.id}
              className={`docs-queue-item docs-queue-${item.state}`}
              data-testid="upload-item"
            >
              <div className="docs-queue-row">
                <span className="docs-queue-name">{item.name}</span>
                <span className="muted small">{formatBytes(item.size, locale)}</span>
                <span className={`small docs-queue-state docs-queue-state-${item.state}`}>
                  {item.state === 'uploading'
                    ? t('documents.queue.uploading', { percent })
                    : item.state === 'done'
                      ? t('documents.queue.done')
                      : t('documents.queue.failed')}
                </span>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={
                    item.state === 'uploading'
                      ? t('documents.queue.cancel', { name: item.name })
                      : t('documents.queue.dismiss', { name: item.name })
                  }
                  onClick={() => onDismiss(item.id)}
                >
                  <Icon name="close" size={16} />
                </button>
              </div>
              {item.state !== 'error' && (
                <progress
                  className="docs-progress"
                  max={100}
                  value={percent}
                  aria-label={t('documents.queue.progress', { name: item.name })}
                />
              )}
              {why && (
                <p className="docs-queue-reason" role="alert">
                  {why}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
