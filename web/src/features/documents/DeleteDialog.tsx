import type { FileInfo } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/states';
import { useDeleteDocument } from './api';

/** Asks before deleting a document (its text leaves the knowledge base too). */
export function DeleteDialog({ file, onClose }: { file: FileInfo | null; onClose: () => void }) {
  const t = useT();
  const remove = useDeleteDocument();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Dialog open={file !== null} title={t('documents.delete.title')} onClose={close}>
      {file && (
        <>
          <p>{t('documents.delete.body', { name: file.original_filename })}</p>
          <p className="form-error" role="alert">
            {remove.isError ? errorMessage(remove.error) : ''}
          </p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={close}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(file.id, { onSuccess: close })}
            >
              {remove.isPending ? t('documents.delete.deleting') : t('common.delete')}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
