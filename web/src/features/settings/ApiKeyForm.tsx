import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import type { NewApiKey } from '../../api/types';
import { useT, type Translate } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { endOfDay, todayLocal, useCreateApiKey } from './apiKeys';

/** What went wrong with a key request, in words the user can act on (403: the role may not). */
export function keyErrorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError && error.status === 403) return t('settings.apiKeys.forbidden');
  if (error instanceof ApiError) return error.message;
  return t('common.offline');
}

/** Name and optional expiry date for a new key; hands the created key (with its secret) up once. */
export function ApiKeyForm({ onCreated }: { onCreated: (key: NewApiKey) => void }) {
  const t = useT();
  const id = useId();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useCreateApiKey();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    if (expiry && Date.parse(endOfDay(expiry)) <= Date.now()) {
      setProblem(t('settings.apiKeys.expiryPast'));
      return;
    }
    setProblem(null);
    create.mutate(
      { name: trimmed, ...(expiry && { expires_at: endOfDay(expiry) }) },
      {
        onSuccess: (key) => {
          setName('');
          setExpiry('');
          onCreated(key);
        },
        onError: (error) => setProblem(keyErrorText(error, t)),
      },
    );
  };

  return (
    <form className="settings-key-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="settings-subtitle">
        {t('settings.apiKeys.new')}
      </h3>
      <div className="settings-key-fields">
        <div className="settings-field">
          <label htmlFor={`${id}-name`}>{t('settings.apiKeys.newName')}</label>
          <input
            id={`${id}-name`}
            name="api-key-name"
            required
            maxLength={200}
            autoComplete="off"
            value={name}
            aria-describedby={`${id}-name-hint`}
            onChange={(event) => setName(event.target.value)}
          />
          <span id={`${id}-name-hint`} className="muted small">
            {t('settings.apiKeys.newNameHint')}
          </span>
        </div>
        <div className="settings-field">
          <label htmlFor={`${id}-expiry`}>{t('settings.apiKeys.expiry')}</label>
          <input
            id={`${id}-expiry`}
            name="api-key-expiry"
            type="date"
            min={todayLocal()}
            value={expiry}
            aria-describedby={`${id}-expiry-hint`}
            onChange={(event) => setExpiry(event.target.value)}
          />
          <span id={`${id}-expiry-hint`} className="muted small">
            {t('settings.apiKeys.expiryHint')}
          </span>
        </div>
      </div>
      <p className="form-error" role="alert">
        {problem}
      </p>
      <button type="submit" className="button button-primary" disabled={create.isPending}>
        <Icon name="plus" />
        {create.isPending ? t('settings.apiKeys.creating') : t('settings.apiKeys.create')}
      </button>
    </form>
  );
}
