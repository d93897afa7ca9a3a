import { Link, Route, Switch, useLocation } from 'wouter';
import { useUser } from '../../auth/useSession';
import { useT } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import type { Role } from '../../api/types';
import { Dashboard } from './dashboard/Dashboard';
import { ModelsPage } from './models/ModelsPage';
import { PromptsPage } from './prompts/PromptsPage';
import { UsersPage } from './users/UsersPage';
import './admin.css';

/** The console's sections and who may open them (mirrors the backend's route `roles`). */
const SECTIONS: ReadonlyArray<{ path: string; label: MessageKey; roles: readonly Role[] }> = [
  // GET /admin/stats: admins and managers.
  { path: '/', label: 'admin.tab.dashboard', roles: ['admin', 'manager'] },
  // /users and model management: admins only.
  { path: '/users', label: 'admin.tab.users', roles: ['admin'] },
  { path: '/models', label: 'admin.tab.models', roles: ['admin'] },
  // Everyone reads the prompt library; only admins change it (the page hides the actions for managers).
  { path: '/prompts', label: 'admin.tab.prompts', roles: ['admin', 'manager'] },
];

/** The admin console: a tab bar and the section the (nested) route names. */
export default function AdminConsole() {
  const t = useT();
  const user = useUser();
  const [location] = useLocation();
  const sections = SECTIONS.filter((section) => section.roles.includes(user.role));
  const allowed = (path: string) => sections.some((section) => section.path === path);
  const isAdmin = user.role === 'admin';

  return (
    <section className="page admin-page" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('admin.title')}</h1>
      <nav className="admin-tabs" aria-label={t('admin.sections')}>
        {sections.map((section) => {
          const active = location === section.path;
          return (
            <Link
              key={section.path}
              href={section.path}
              className={`admin-tab ${active ? 'admin-tab-active' : ''}`}
              aria-current={active ? 'page' : undefined}
            >
              {t(section.label)}
            </Link>
          );
        })}
      </nav>
      <Switch>
        <Route path="/">
          <Dashboard />
        </Route>
        <Route path="/users">{allowed('/users') ? <UsersPage /> : <NotAllowed />}</Route>
        <Route path="/models">{allowed('/models') ? <ModelsPage /> : <NotAllowed />}</Route>
        <Route path="/prompts">
          <PromptsPage canEdit={isAdmin} />
        </Route>
        <Route>
          <p>{t('common.notFound')}</p>
        </Route>
      </Switch>
    </section>
  );
}

function NotAllowed() {
  const t = useT();
  return <p role="alert">{t('common.forbidden')}</p>;
}
