import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, hasSessionCookie, refreshSession } from './api/client';
import { onSessionEnd, signOut } from './api/session';
import { App } from './app/App';
import { applyStoredTheme } from './app/theme';
import { I18nProvider } from './i18n/i18n';
import './styles/app.css';

applyStoredTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 4xx will not change by asking again; network hiccups and 5xx get two more tries.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

// Nothing cached for one user may be shown to the next one.
onSessionEnd(() => queryClient.clear());

// A reload keeps the session: the httpOnly cookie buys a new access token.
if (hasSessionCookie()) {
  void refreshSession().then((ok) => {
    if (!ok) signOut();
  });
} else {
  signOut();
}

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener(
    'load',
    () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined),
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
