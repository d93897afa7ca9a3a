import type { FileInfo } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Dialog } from '../../ui/Dialog';
import { ErrorState, Loading } from '../../ui/states';
import { useDocumentText } from './api';
import { formatBytes, formatDate, formatNumber, kindLabel } from './format';
import { StatusBadge } from './StatusBadge';

/** A dialog with a document's details and its extracted text, shown as plain text (never as HTML). */
export function PreviewDialog({ file, onClose }: { file: FileInfo | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog
      open={file !== null}
      title={file ? t('documents.preview.title', { name: file.original_filename }) : ''}
      onClose={onClose}
      className="docs-preview-dialog"
    >
      {file && <PreviewBody id={file.id} />}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}

function PreviewBody({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const detail = useDocumentText(id);
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const file = detail.data;
  const facts: Array<[string, string]> = [
    [t('documents.preview.titleField'), file.title ?? '—'],
    [t('documents.preview.type'), kindLabel(file.kind, t)],
    [t('documents.preview.size'), formatBytes(file.file_size, locale)],
    [t('documents.preview.pages'), file.page_count ? formatNumber(file.page_count, locale) : '—'],
    [t('documents.preview.uploadedAt'), formatDate(file.uploaded_at, locale)],
    [t('documents.preview.processedAt'), file.processed_at ? formatDate(file.processed_at, locale) : '—'],
    [t('documents.preview.embedding'), file.embedding_model ?? t('documents.preview.keywordOnly')],
  ];
  return (
    <div className="docs-preview">
      <div className="docs-preview-status">
        <StatusBadge file={file} />
        {file.status === 'FAILED' && file.error && <span className="docs-failure small">{file.error}</span>}
      </div>
      <dl className="docs-facts">
        {facts.map(([label, value]) => (
          <div key={label} className="docs-fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3 className="docs-subtitle">{t('documents.preview.text')}</h3>
      {file.content ? (
        <pre
          className="docs-preview-text"
          tabIndex={0}
          aria-label={t('documents.preview.text')}
          data-testid="preview-text"
        >
          {file.content}
        </pre>
      ) : (
        <p className="muted">
          {file.status === 'FAILED' ? t('documents.preview.noTextFailed') : t('documents.preview.noText')}
        </p>
      )}
    </div>
  );
}
