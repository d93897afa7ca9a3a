import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { RegisteredModel } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { EmptyState } from '../../../ui/states';
import { adminKeys, deleteModel, loadModel } from '../api';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { formatBytes } from '../format';

/**
 * The registered models, the loaded one marked, with "switch to" and delete (both confirmed). The file
 * MODEL_PATH names is among them, badged as coming from the configuration and never deletable here.
 */
export function RegistryList({ models }: { models: RegisteredModel[] }) {
  const { t, locale } = useI18n();
  const configured = models.find((model) => model.source === 'config');
  const queryClient = useQueryClient();
  const [switching, setSwitching] = useState<RegisteredModel | null>(null);
  const [removing, setRemoving] = useState<RegisteredModel | null>(null);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: adminKeys.models }),
      queryClient.invalidateQueries({ queryKey: ['admin', 'stats'] }),
    ]);
  const load = useMutation({
    mutationFn: (model: RegisteredModel) => loadModel(model.id),
    onSuccess: async () => {
      await refresh();
      setSwitching(null);
    },
  });
  const remove = useMutation({
    mutationFn: (model: RegisteredModel) => deleteModel(model.id),
    onSuccess: async () => {
      await refresh();
      setRemoving(null);
    },
  });

  return (
    <section className="admin-subsection" aria-labelledby="registry-title">
      <h3 id="registry-title" className="admin-subheading">
        {t('admin.models.registry')}
      </h3>
      {models.length === 0 ? (
        <EmptyState title={t('admin.models.registryEmpty')} />
      ) : (
        <ul className="item-list">
          {models.map((model) => (
            <li key={model.id} className={`card item ${model.loaded ? 'item-active' : ''}`}>
              <div className="item-main">
                <p className="item-title">
                  <strong>{model.name}</strong>{' '}
                  {model.source === 'config' && <span className="badge">{t('admin.models.fromConfig')}</span>}{' '}
                  {model.loaded && <span className="badge badge-ok">{t('admin.models.loaded')}</span>}{' '}
                  {model.is_active && !model.loaded && (
                    <span className="badge">{t('admin.models.activeAtStart')}</span>
                  )}{' '}
                  {!model.present && <span className="badge badge-error">{t('admin.models.missing')}</span>}
                </p>
                <p className="muted small">
                  {t(model.kind === 'chat' ? 'admin.models.kindChat' : 'admin.models.kindEmbedding')} ·{' '}
                  {formatBytes(model.size_bytes, locale)}
                  {model.file_path && (
                    <>
                      {' · '}
                      <code className="cell-wrap">{model.file_path}</code>
                    </>
                  )}
                </p>
                {model.source === 'config' && (
                  <p className="muted small">{t('admin.models.fromConfigHint')}</p>
                )}
              </div>
              <div className="row-actions">
                {model.kind === 'chat' && !model.loaded && (
                  <button
                    type="button"
                    className="button"
                    disabled={!model.present}
                    aria-label={t('admin.models.switchNamed', { name: model.name })}
                    onClick={() => {
                      load.reset();
                      setSwitching(model);
                    }}
                  >
                    {t('admin.models.switch')}
                  </button>
                )}
                {!model.loaded && model.source !== 'config' && (
                  <button
                    type="button"
                    className="button button-danger"
                    aria-label={t('admin.models.deleteNamed', { name: model.name })}
                    onClick={() => {
                      remove.reset();
                      setRemoving(model);
                    }}
                  >
                    {t('common.delete')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={switching !== null}
        title={t('admin.models.switchTitle')}
        body={
          t('admin.models.switchBody', { name: switching?.name ?? '' }) +
          (configured && switching && switching.id !== configured.id
            ? ` ${t('admin.models.switchConfigNote', { name: configured.name })}`
            : '')
        }
        confirmLabel={t('admin.models.switch')}
        busy={load.isPending}
        busyLabel={t('admin.models.switching')}
        error={load.error}
        onConfirm={() => switching && load.mutate(switching)}
        onClose={() => setSwitching(null)}
      />
      <ConfirmDialog
        open={removing !== null}
        title={t('admin.models.deleteTitle')}
        body={t('admin.models.deleteBody', { name: removing?.name ?? '' })}
        confirmLabel={t('common.delete')}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      />
    </section>
  );
}
