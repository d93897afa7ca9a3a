import { ChangePasswordForm } from '../../auth/ChangePasswordForm';
import { useUser } from '../../auth/useSession';
import { useT } from '../../i18n/i18n';
import { ApiKeysSection } from './ApiKeysSection';
import { Preferences } from './Preferences';
import './settings.css';

/** The user's own settings: profile, language and theme, password, personal API keys. */
export default function SettingsPage() {
  const t = useT();
  return (
    <section className="page settings-page" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <Profile />
      <Preferences />
      <section className="card settings-card" aria-labelledby="settings-password-title">
        <h2 id="settings-password-title">{t('settings.password')}</h2>
        <p className="muted">{t('settings.password.hint')}</p>
        <ChangePasswordForm offerApiKeyRevocation />
      </section>
      <ApiKeysSection />
    </section>
  );
}

function Profile() {
  const t = useT();
  const user = useUser();
  const initial = (user.display_name ?? user.username).trim().charAt(0).toUpperCase() || '?';
  return (
    <section className="card settings-card settings-profile" aria-labelledby="settings-profile-title">
      <span className="settings-avatar" aria-hidden="true">
        {initial}
      </span>
      <div>
        <h2 id="settings-profile-title">{t('settings.profile')}</h2>
        <dl className="settings-facts">
          {user.display_name && (
            <>
              <dt>{t('settings.profile.name')}</dt>
              <dd>{user.display_name}</dd>
            </>
          )}
          <dt>{t('settings.profile.username')}</dt>
          <dd data-testid="profile-username">{user.username}</dd>
          <dt>{t('settings.profile.email')}</dt>
          <dd data-testid="profile-email">{user.email}</dd>
          <dt>{t('settings.profile.role')}</dt>
          <dd>
            <span className="badge">{t(`role.${user.role}`)}</span>
          </dd>
        </dl>
      </div>
    </section>
  );
}
