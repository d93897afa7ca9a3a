import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { ForcedPasswordChangePage, LoginPage, ReauthDialog } from '../auth/AuthScreens';
import { canSeeAdmin, useSession } from '../auth/useSession';
import ChatPage from '../features/chat/ChatPage';
import { useT } from '../i18n/i18n';
import { Loading } from '../ui/states';
import { Layout } from './Layout';

// Only the chat screen is in the first download; the rest load when opened.
const DocumentsPage = lazy(() => import('../features/documents/DocumentsPage'));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage'));
const AdminConsole = lazy(() => import('../features/admin/AdminConsole'));

/** The app: sign-in, the forced password change, or the signed-in screens. */
export function App() {
  const session = useSession();
  const queryClient = useQueryClient();
  const userId = session.status === 'authenticated' || session.status === 'expired' ? session.user.id : null;
  const previousUser = useRef<string | null>(null);
  useEffect(() => {
    // Nothing cached for one user may be shown to the next one: drop the cache when a user leaves
    // (sign-out or a switch). Not on the first sign-in, where queries may already be in flight.
    if (previousUser.current !== null && previousUser.current !== userId) queryClient.clear();
    previousUser.current = userId;
  }, [userId, queryClient]);

  if (session.status === 'loading') return <Loading />;
  if (session.status === 'anonymous') return <LoginPage />;
  if (session.user.must_change_password && session.status === 'authenticated') {
    return <ForcedPasswordChangePage />;
  }
  return (
    <>
      <Layout key={session.user.id}>
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
