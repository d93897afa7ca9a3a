import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../../api/client';
import type { RegisteredModel } from '../../api/types';
import { useUser } from '../../auth/useSession';
import { useT } from '../../i18n/i18n';
import { chatKeys, useModels } from './api';

/**
 * The loaded model. One engine serves everyone, so only an administrator may load another one, after
 * confirming; other roles see the other models disabled.
 */
export function ModelPicker() {
  const t = useT();
  const id = useId();
  const hintId = useId();
  const admin = useUser().role === 'admin';
  const queryClient = useQueryClient();
  const models = useModels();
  const [choice, setChoice] = useState<RegisteredModel | null>(null);
  const load = useMutation({
    mutationFn: (model: RegisteredModel) =>
      api<RegisteredModel>('POST', `/api/v1/models/${encodeURIComponent(model.id)}/load`),
    onSuccess: () => {
      setChoice(null);
      void queryClient.invalidateQueries({ queryKey: chatKeys.models });
    },
  });

  if (!models.data) return null;
  const chatModels = models.data.models.filter((model) => model.kind === 'chat');
  const loaded = chatModels.find((model) => model.loaded);
  const currentName = loaded?.name ?? models.data.engine.model?.id ?? t('chat.model.none');
  return (
    <div className="chat-field">
      <label htmlFor={id}>{t('chat.model')}</label>
      <select
        id={id}
        value={loaded?.id ?? ''}
        disabled={load.isPending}
        aria-describedby={admin ? undefined : hintId}
        onChange={(event) => {
          const next = chatModels.find((model) => model.id === event.target.value);
          if (next && !next.loaded) setChoice(next);
        }}
      >
        {!loaded && <option value="">{currentName}</option>}
        {chatModels.map((model) => (
          <option key={model.id} value={model.id} disabled={!model.loaded && (!admin || !model.present)}>
            {model.present ? model.name : t('chat.model.missing', { name: model.name })}
          </option>
        ))}
      </select>
      {!admin && chatModels.length > 1 && (
        <span id={hintId} className="muted small chat-hint">
          {t('chat.model.adminOnly')}
        </span>
      )}
      {load.isPending && <span className="muted small">{t('chat.model.loading')}</span>}
      <ConfirmDialog
        open={choice !== null}
        title={t('chat.model.confirmTitle', { name: choice?.name ?? '' })}
        body={t('chat.model.confirmBody', { name: choice?.name ?? '', current: currentName })}
        confirmLabel={t('chat.model.load')}
        busy={load.isPending}
        busyLabel={t('chat.model.loading')}
        error={load.error}
        onConfirm={() => choice && load.mutate(choice)}
        onClose={() => setChoice(null)}
      />
    </div>
  );
}
