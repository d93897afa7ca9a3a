import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Prompt } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { Icon } from '../../../ui/Icon';
import { EmptyState, ErrorState, Loading, errorMessage } from '../../../ui/states';
import { activatePrompt, adminKeys, deletePrompt, fetchPrompts } from '../api';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { formatDateTime } from '../format';
import { PromptDialog } from './PromptDialog';

/** System prompts: the library with the active one marked; admins create, edit, activate and delete. */
export function PromptsPage({ canEdit }: { canEdit: boolean }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Prompt | 'new' | null>(null);
  const [removing, setRemoving] = useState<Prompt | null>(null);
  const prompts = useQuery({ queryKey: adminKeys.prompts, queryFn: ({ signal }) => fetchPrompts(signal) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.prompts });
  const activate = useMutation({
    mutationFn: (prompt: Prompt) => activatePrompt(prompt.id),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (prompt: Prompt) => deletePrompt(prompt.id),
    onSuccess: async () => {
      await refresh();
      setRemoving(null);
    },
  });

  return (
    <div className="admin-section">
      <div className="admin-toolbar">
        <h2 className="admin-heading">{t('admin.prompts.title')}</h2>
        {canEdit && (
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            <Icon name="plus" />
            {t('admin.prompts.create')}
          </button>
        )}
      </div>
      {!canEdit && <p className="muted">{t('admin.prompts.readOnly')}</p>}
      {activate.isError && (
        <p className="form-error" role="alert">
          {t('common.error', { message: errorMessage(activate.error) })}
        </p>
      )}
      {prompts.isPending ? (
        <Loading />
      ) : prompts.isError ? (
        <ErrorState error={prompts.error} onRetry={() => void prompts.refetch()} />
      ) : prompts.data.prompts.length === 0 ? (
        <EmptyState title={t('admin.prompts.empty')} />
      ) : (
        <ul className="item-list">
          {prompts.data.prompts.map((prompt) => (
            <li
              key={prompt.id}
              className={`card item ${prompt.is_active ? 'item-active' : ''}`}
              data-testid="prompt"
            >
              <div className="item-main">
                <p className="item-title">
                  <strong>{prompt.name}</strong>{' '}
                  {prompt.is_active && <span className="badge badge-ok">{t('admin.prompts.active')}</span>}
                </p>
                {prompt.description && <p className="small">{prompt.description}</p>}
                <p className="prompt-content small">{prompt.content}</p>
                <p className="muted small">
                  {t('admin.prompts.updated', { time: formatDateTime(prompt.updated_at, locale) })}
                </p>
              </div>
              {canEdit && (
                <div className="row-actions">
                  {!prompt.is_active && (
                    <button
                      type="button"
                      className="button"
                      disabled={activate.isPending}
                      aria-label={t('admin.prompts.activateNamed', { name: prompt.name })}
                      onClick={() => activate.mutate(prompt)}
                    >
                      {t('admin.prompts.activate')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="button"
                    aria-label={t('admin.prompts.editNamed', { name: prompt.name })}
                    onClick={() => setEditing(prompt)}
                  >
                    {t('common.edit')}
                  </button>
                  <button
                    type="button"
                    className="button button-danger"
                    aria-label={t('admin.prompts.deleteNamed', { name: prompt.name })}
                    onClick={() => {
                      remove.reset();
                      setRemoving(prompt);
                    }}
                  >
                    {t('common.delete')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && <PromptDialog prompt={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={removing !== null}
        title={t('admin.prompts.deleteTitle')}
        body={t('admin.prompts.deleteBody', { name: removing?.name ?? '' })}
        confirmLabel={t('common.delete')}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      />
    </div>
  );
}
