import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { Prompt } from '../../../api/types';
import { useT } from '../../../i18n/i18n';
import { Dialog } from '../../../ui/Dialog';
import { errorMessage } from '../../../ui/states';
import { adminKeys, createPrompt, updatePrompt, type PromptInput } from '../api';

/** Create ('new') or edit a system prompt: name, description and content. */
export function PromptDialog({ prompt, onClose }: { prompt: Prompt | 'new' | null; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog
      open={prompt !== null}
      title={prompt === 'new' ? t('admin.prompts.createTitle') : t('admin.prompts.editTitle')}
      onClose={onClose}
      className="dialog-wide"
    >
      {prompt !== null && (
        <PromptForm key={prompt === 'new' ? 'new' : prompt.id} prompt={prompt} onClose={onClose} />
      )}
    </Dialog>
  );
}

function PromptForm({ prompt, onClose }: { prompt: Prompt | 'new'; onClose: () => void }) {
  const t = useT();
  const id = useId();
  const queryClient = useQueryClient();
  const existing = prompt === 'new' ? null : prompt;
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [content, setContent] = useState(existing?.content ?? '');
  const save = useMutation({
    mutationFn: (body: PromptInput) => (existing ? updatePrompt(existing.id, body) : createPrompt(body)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: adminKeys.prompts });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ name: name.trim(), content, description: description.trim() || null });
  };

  return (
    <form className="form admin-form" onSubmit={submit}>
      <label htmlFor={`${id}-name`}>{t('admin.prompts.name')}</label>
      <input
        id={`${id}-name`}
        required
        maxLength={200}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <label htmlFor={`${id}-description`}>{t('admin.prompts.description')}</label>
      <input
        id={`${id}-description`}
        maxLength={2000}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
      />
      <label htmlFor={`${id}-content`}>{t('admin.prompts.content')}</label>
      <textarea
        id={`${id}-content`}
        required
        rows={8}
        maxLength={50_000}
        value={content}
        onChange={(event) => setContent(event.target.value)}
      />
      <p className="form-error" role="alert">
        {save.isError ? errorMessage(save.error) : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? t('admin.prompts.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
