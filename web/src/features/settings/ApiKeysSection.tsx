import { useState } from 'react';
import { ApiError } from '../../api/client';
import type { ApiKey, NewApiKey } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { EmptyState, ErrorState, Loading } from '../../ui/states';
import { NewKeyDialog, RevokeKeyDialog } from './ApiKeyDialogs';
import { ApiKeyForm } from './ApiKeyForm';
import { keyStatus, useApiKeys } from './apiKeys';

const BADGE = { active: 'badge-ok', revoked: 'badge-error', expired: 'badge-warn' } as const;

/** The personal API keys: the list, a form for a new one, the one-time secret, revoking. */
export function ApiKeysSection() {
  const { t } = useI18n();
  const keys = useApiKeys();
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const [before, after] = t('settings.apiKeys.hint', { header: '\u0000' }).split('\u0000');
  let list;
  if (keys.isPending) list = <Loading />;
  else if (keys.isError && keys.error instanceof ApiError && keys.error.status === 403) {
    list = <p className="form-error">{t('settings.apiKeys.forbidden')}</p>;
  } else if (keys.isError) list = <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />;
  else if (keys.data.length === 0) list = <EmptyState title={t('settings.apiKeys.empty')} />;
  else list = <KeyTable keys={keys.data} onRevoke={setRevoking} />;

  return (
    <section className="card settings-card" aria-labelledby="settings-keys-title">
      <h2 id="settings-keys-title">{t('settings.apiKeys')}</h2>
      <p className="muted">
        {before}
        <code>X-API-Key</code>
        {after}
      </p>
      {list}
      <ApiKeyForm onCreated={setCreated} />
      <NewKeyDialog created={created} onClose={() => setCreated(null)} />
      <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </section>
  );
}

function KeyTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (key: ApiKey) => void }) {
  const { t, locale } = useI18n();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const columns = {
    name: t('settings.apiKeys.name'),
    prefix: t('settings.apiKeys.prefix'),
    created: t('settings.apiKeys.created'),
    expires: t('settings.apiKeys.expires'),
    lastUsed: t('settings.apiKeys.lastUsed'),
    status: t('settings.apiKeys.status'),
  };
  return (
    <table className="table settings-keys" aria-label={t('settings.apiKeys.listLabel')}>
      <thead>
        <tr>
          {Object.entries(columns).map(([name, label]) => (
            <th key={name} scope="col">
              {label}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">{t('common.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => {
          const status = keyStatus(key);
          return (
            <tr key={key.id} className={status === 'active' ? undefined : 'settings-key-inactive'}>
              <th scope="row" data-label={columns.name} className="settings-key-name">
                {key.name}
              </th>
              <td data-label={columns.prefix}>
                <code>{key.prefix}…</code>
              </td>
              <td data-label={columns.created}>{date.format(new Date(key.created_at))}</td>
              <td data-label={columns.expires}>
                {key.expires_at ? date.format(new Date(key.expires_at)) : t('settings.apiKeys.neverExpires')}
              </td>
              <td data-label={columns.lastUsed}>
                {key.last_used_at
                  ? dateTime.format(new Date(key.last_used_at))
                  : t('settings.apiKeys.notUsed')}
              </td>
              <td data-label={columns.status}>
                <span className={`badge ${BADGE[status]}`}>{t(`settings.apiKeys.${status}`)}</span>
              </td>
              <td className="settings-key-actions">
                {status === 'active' && (
                  <button
                    type="button"
                    className="button button-danger"
                    aria-label={t('settings.apiKeys.revokeLabel', { name: key.name })}
                    onClick={() => onRevoke(key)}
                  >
                    <Icon name="trash" />
                    <span aria-hidden="true">{t('settings.apiKeys.revoke')}</span>
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
