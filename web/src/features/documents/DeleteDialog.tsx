import type { FileInfo } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
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
    <ConfirmDialog
      open={file !== null}
      title={t('documents.delete.title')}
      body={file ? t('documents.delete.body', { name: file.original_filename }) : ''}
      confirmLabel={t('common.delete')}
      danger
      busy={remove.isPending}
      busyLabel={t('documents.delete.deleting')}
      error={remove.error}
      onConfirm={() => file && remove.mutate(file.id, { onSuccess: close })}
      onClose={close}
    />
  );
}
