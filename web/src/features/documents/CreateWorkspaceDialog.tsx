import { useId, useState, type FormEvent } from 'react';
import type { Workspace } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/states';
import { useCreateWorkspace } from './api';

/** A dialog to create a shared workspace (name and description). */
export function CreateWorkspaceDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (workspace: Workspace) => void;
}) {
  const t = useT();
  return (
    <Dialog open={open} title={t('documents.workspaces.createTitle')} onClose={onClose}>
      <CreateWorkspaceForm onClose={onClose} onCreated={onCreated} />
    </Dialog>
  );
}

function CreateWorkspaceForm({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (workspace: Workspace) => void;
}) {
  const t = useT();
  const ids = { name: useId(), description: useId() };
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useCreateWorkspace();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate(
      { name: name.trim(), description: description.trim() || null },
      { onSuccess: (workspace) => onCreated(workspace) },
    );
  };
  return (
    <form className="form docs-dialog-form" onSubmit={submit}>
      <label htmlFor={ids.name}>{t('documents.workspaces.name')}</label>
      <input
        id={ids.name}
        value={name}
        required
        maxLength={200}
        autoFocus
        onChange={(event) => setName(event.target.value)}
      />
      <label htmlFor={ids.description}>{t('documents.workspaces.description')}</label>
      <textarea
        id={ids.description}
        value={description}
        rows={3}
        maxLength={2000}
        onChange={(event) => setDescription(event.target.value)}
      />
      <p className="form-error" role="alert">
        {create.isError ? errorMessage(create.error) : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending || !name.trim()}>
          {create.isPending ? t('documents.workspaces.creating') : t('common.create')}
        </button>
      </div>
    </form>
  );
}
