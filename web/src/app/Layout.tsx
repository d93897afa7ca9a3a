import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { logOut } from '../api/client';
import { canSeeAdmin, useUser } from '../auth/useSession';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { Icon, type IconName } from '../ui/Icon';

const ITEMS: ReadonlyArray<{ href: string; label: MessageKey; icon: IconName; admin?: boolean }> = [
  { href: '/chat', label: 'nav.chat', icon: 'chat' },
  { href: '/documents', label: 'nav.documents', icon: 'documents' },
  { href: '/admin', label: 'nav.admin', icon: 'admin', admin: true },
  { href: '/settings', label: 'nav.settings', icon: 'settings' },
];

/** The frame of every signed-in screen: navigation (a drawer on a phone) and the page. */
export function Layout({ children }: { children: ReactNode }) {
  const t = useT();
  const user = useUser();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = ITEMS.filter((item) => !item.admin || canSeeAdmin(user.role));

  return (
    <div className={`shell ${menuOpen ? 'shell-menu-open' : ''}`}>
      <a className="skip-link" href="#main">
        {t('nav.skipToContent')}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="icon-button topbar-menu"
          aria-label={menuOpen ? t('nav.closeMenu') : t('nav.openMenu')}
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <Icon name={menuOpen ? 'close' : 'menu'} />
        </button>
        <span className="brand">
          <img src="/icons/icon.svg" alt="" width="24" height="24" />
          {t('app.name')}
        </span>
      </header>
      <nav id="main-nav" className="sidebar" aria-label={t('nav.main')}>
        <span className="brand brand-sidebar">
          <img src="/icons/icon.svg" alt="" width="28" height="28" />
          {t('app.name')}
        </span>
        <ul>
          {items.map((item) => {
            const active = location === item.href || location.startsWith(`${item.href}/`);
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  className={`nav-link ${active ? 'nav-link-active' : ''}`}
                  aria-current={active ? 'page' : undefined}
                  onClick={() => setMenuOpen(false)}
                >
                  <Icon name={item.icon} />
                  <span>{t(item.label)}</span>
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="sidebar-footer">
          <p className="muted small" data-testid="signed-in-as">
            {t('nav.signedInAs', { name: user.display_name ?? user.username })}
            <br />
            {t(`role.${user.role}`)}
          </p>
          <button type="button" className="button" onClick={() => void logOut()}>
            <Icon name="logout" />
            {t('nav.logout')}
          </button>
        </div>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
