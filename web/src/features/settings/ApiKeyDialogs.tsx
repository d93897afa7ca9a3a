import { useId, useRef, useState } from 'react';
import type { ApiKey, NewApiKey } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { keyErrorText } from './ApiKeyForm';
import { useRevokeApiKey } from './apiKeys';

/** Shows a new key's secret, the only time it is ever visible, with a copy button. */
export function NewKeyDialog({ created, onClose }: { created: NewApiKey | null; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog open={created !== null} title={t('settings.apiKeys.createdTitle')} dismissable={false}>
      {created && <SecretPanel key={created.id} created={created} onClose={onClose} />}
    </Dialog>
  );
}

function SecretPanel({ created, onClose }: { created: NewApiKey; onClose: () => void }) {
  const t = useT();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  const copyKey = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy('copied');
    } catch {
      setCopy('failed');
      input.current?.select();
    }
  };

  return (
    <>
      <p>{t('settings.apiKeys.createdBody', { name: created.name })}</p>
      <p className="settings-warning">
        <strong>{t('settings.apiKeys.createdWarning')}</strong>
      </p>
      <label htmlFor={`${id}-secret`} className="settings-secret-label">
        {t('settings.apiKeys.secret')}
      </label>
      <div className="settings-secret">
        <input
          ref={input}
          id={`${id}-secret`}
          readOnly
          value={created.key}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.target.select()}
          data-testid="api-key-secret"
        />
        <button type="button" className="button" onClick={() => void copyKey()}>
          <Icon name="copy" />
          {copy === 'copied' ? t('common.copied') : t('settings.apiKeys.copyKey')}
        </button>
      </div>
      <p className="form-error" role="status">
        {copy === 'failed' ? t('settings.apiKeys.copyFailed') : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" className="button button-primary" onClick={onClose}>
          {t('settings.apiKeys.done')}
        </button>
      </div>
    </>
  );
}

/** Asks before revoking a key; the key stops working as soon as the server confirms. */
export function RevokeKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog open={apiKey !== null} title={t('settings.apiKeys.revokeTitle')} onClose={onClose}>
      {apiKey && <RevokePanel key={apiKey.id} apiKey={apiKey} onClose={onClose} />}
    </Dialog>
  );
}

function RevokePanel({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const t = useT();
  const revoke = useRevokeApiKey();
  return (
    <>
      <p>{t('settings.apiKeys.revokeBody', { name: apiKey.name })}</p>
      {revoke.isError && (
        <p className="form-error" role="alert">
          {keyErrorText(revoke.error, t)}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate(apiKey.id, { onSuccess: onClose })}
        >
          <Icon name="trash" />
          {revoke.isPending ? t('settings.apiKeys.revoking') : t('settings.apiKeys.revoke')}
        </button>
      </div>
    </>
  );
}
