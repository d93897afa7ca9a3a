import { lazy, Suspense } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { ForcedPasswordChangePage, LoginPage, ReauthDialog } from '../auth/AuthScreens';
import { canSeeAdmin, useSession } from '../auth/useSession';
import ChatPage from '../features/chat/ChatPage';
import { useT } from '../i18n/i18n';
import { Loading } from '../ui/states';
import { ErrorBoundary } from './ErrorBoundary';
import { Layout } from './Layout';

// Only the chat screen is in the first download; the rest load when opened.
const DocumentsPage = lazy(() => import('../features/documents/DocumentsPage'));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage'));
const AdminConsole = lazy(() => import('../features/admin/AdminConsole'));

/** The app: sign-in, the forced password change, or the signed-in screens. */
export function App() {
  const session = useSession();

  if (session.status === 'loading') return <Loading />;
  if (session.status === 'anonymous') return <LoginPage />;
  if (session.user.must_change_password && session.status === 'authenticated') {
    return <ForcedPasswordChangePage />;
  }
  return (
    <>
      <Layout key={session.user.id}>
        <ErrorBoundary>
          <Suspense fallback={<Loading />}>
            <Switch>
              <Route path="/">
                <Redirect to="/chat" replace />
              </Route>
              <Route path="/chat">
                <ChatPage />
              </Route>
              <Route path="/chat/:id">{(params) => <ChatPage conversationId={params.id} />}</Route>
              <Route path="/documents" component={DocumentsPage} nest />
              <Route path="/settings" component={SettingsPage} nest />
              <Route path="/admin" nest>
                {canSeeAdmin(session.user.role) ? <AdminConsole /> : <Forbidden />}
              </Route>
              <Route>
                <NotFound />
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </Layout>
      {session.status === 'expired' && <ReauthDialog user={session.user} />}
    </>
  );
}

function Forbidden() {
  const t = useT();
  return (
    <section className="page" aria-labelledby="forbidden-title">
      <h1 id="forbidden-title">{t('common.forbidden')}</h1>
      <Link href="/chat">{t('common.backHome')}</Link>
    </section>
  );
}

function NotFound() {
  const t = useT();
  return (
    <section className="page" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{t('common.notFound')}</h1>
      <Link href="/chat">{t('common.backHome')}</Link>
    </section>
  );
}
