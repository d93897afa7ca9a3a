import { useId, useState, type FormEvent } from 'react';
import { ApiError, changePassword } from '../api/client';
import { useT } from '../i18n/i18n';

/**
 * Current password, new password twice. Used by the forced change and by Settings, which also
 * offers to revoke the user's API keys (other sessions end in any case).
 */
export function ChangePasswordForm({
  onChanged,
  offerApiKeyRevocation = false,
}: {
  onChanged?: () => void;
  offerApiKeyRevocation?: boolean;
}) {
  const t = useT();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [revokeApiKeys, setRevokeApiKeys] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next.length < 8) return setMessage({ kind: 'error', text: t('password.tooShort') });
    if (next !== confirm) return setMessage({ kind: 'error', text: t('password.mismatch') });
    setBusy(true);
    setMessage(null);
    try {
      await changePassword(current, next, revokeApiKeys);
      setCurrent('');
      setNext('');
      setConfirm('');
      setRevokeApiKeys(false);
      setMessage({ kind: 'ok', text: t('password.changed') });
      onChanged?.();
    } catch (caught) {
      const text =
        caught instanceof ApiError && caught.details?.field === 'current_password'
          ? t('password.wrongCurrent')
          : caught instanceof ApiError
            ? caught.message
            : t('common.offline');
      setMessage({ kind: 'error', text });
    } finally {
      setBusy(false);
    }
  };

  const field = (name: string, label: string, value: string, set: (value: string) => void, auto: string) => (
    <>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        name={name}
        type="password"
        autoComplete={auto}
        required
        value={value}
        onChange={(event) => set(event.target.value)}
      />
    </>
  );

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      {field('current-password', t('password.current'), current, setCurrent, 'current-password')}
      {field('new-password', t('password.new'), next, setNext, 'new-password')}
      {field('confirm-password', t('password.confirm'), confirm, setConfirm, 'new-password')}
      {offerApiKeyRevocation && (
        <label className="password-option">
          <input
            type="checkbox"
            name="revoke-api-keys"
            checked={revokeApiKeys}
            onChange={(event) => setRevokeApiKeys(event.target.checked)}
          />
          {t('password.revokeApiKeys')}
        </label>
      )}
      <p className={message?.kind === 'ok' ? 'form-ok' : 'form-error'} role={message ? 'alert' : undefined}>
        {message?.text}
      </p>
      <button type="submit" className="button button-primary" disabled={busy}>
        {t('password.submit')}
      </button>
    </form>
  );
}
