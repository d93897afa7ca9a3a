import { useId, useState, type FormEvent } from 'react';
import { ApiError, signIn } from '../api/client';
import { useT } from '../i18n/i18n';

/** Username/e-mail and password; used by the sign-in page and the session-expired dialog. */
export function LoginForm({ initialLogin = '', autoFocusPassword = false }) {
  const t = useT();
  const id = useId();
  const [login, setLogin] = useState(initialLogin);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(login.trim(), password);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.code === 'RATE_LIMITED'
          ? t('login.rateLimited')
          : caught instanceof ApiError && caught.status === 401
            ? t('login.failed')
            : caught instanceof ApiError
              ? caught.message
              : t('common.offline'),
      );
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} aria-describedby={`${id}-error`}>
      <label htmlFor={`${id}-login`}>{t('login.username')}</label>
      <input
        id={`${id}-login`}
        name="username"
        autoComplete="username"
        required
        value={login}
        onChange={(event) => setLogin(event.target.value)}
        autoFocus={!autoFocusPassword}
      />
      <label htmlFor={`${id}-password`}>{t('login.password')}</label>
      <input
        id={`${id}-password`}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        autoFocus={autoFocusPassword}
        data-autofocus={autoFocusPassword}
      />
      <p id={`${id}-error`} className="form-error" role="alert">
        {error}
      </p>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('login.submitting') : t('login.submit')}
      </button>
    </form>
  );
}
