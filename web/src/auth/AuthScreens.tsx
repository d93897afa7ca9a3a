import { Dialog } from '../ui/Dialog';
import { signOut } from '../api/session';
import type { User } from '../api/types';
import { useI18n, useT } from '../i18n/i18n';
import { ChangePasswordForm } from './ChangePasswordForm';
import { LoginForm } from './LoginForm';

/** The sign-in page. */
export function LoginPage() {
  const t = useT();
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="login-title">
        <div className="auth-brand">
          <img src="/icons/icon.svg" alt="" width="40" height="40" />
          <span>{t('app.name')}</span>
          <LanguageSwitch />
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        <p className="muted">{t('app.tagline')}</p>
        <LoginForm />
      </section>
    </main>
  );
}

/** English / Bahasa Indonesia before signing in (the browser's language is the default). */
function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <select
      className="auth-language"
      aria-label={t('login.language')}
      value={language}
      onChange={(event) => setLanguage(event.target.value === 'id' ? 'id' : 'en')}
    >
      <option value="en">English</option>
      <option value="id">Bahasa Indonesia</option>
    </select>
  );
}

/** First sign-in with a temporary password: nothing else is reachable until it is changed. */
export function ForcedPasswordChangePage() {
  const t = useT();
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="forced-title">
        <h1 id="forced-title">{t('password.forcedTitle')}</h1>
        <p className="muted">{t('password.forcedBody')}</p>
        <ChangePasswordForm />
      </section>
    </main>
  );
}

/** Shown over the page when the session ran out: the page (and any typed text) stays underneath. */
export function ReauthDialog({ user }: { user: User }) {
  const t = useT();
  return (
    <Dialog open title={t('reauth.title')} dismissable={false}>
      <p>{t('reauth.body')}</p>
      <LoginForm initialLogin={user.username} autoFocusPassword />
      <button type="button" className="button button-link" onClick={() => signOut()}>
        {t('reauth.switchUser')}
      </button>
    </Dialog>
  );
}
