import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useUser } from '../../../auth/useSession';
import { useT } from '../../../i18n/i18n';
import { Icon } from '../../../ui/Icon';
import { EmptyState, ErrorState, Loading } from '../../../ui/states';
import type { AdminUser } from '../../../api/types';
import { adminKeys, fetchUsers } from '../api';
import { CreateUserDialog } from './CreateUserDialog';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import { UserRow } from './UserRow';

const PAGE_SIZE = 20;

/** Users: the paged account list, creating accounts, roles, disabling and password resets. */
export function UsersPage() {
  const t = useT();
  const me = useUser();
  const [skip, setSkip] = useState(0);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const users = useQuery({
    queryKey: adminKeys.users(skip),
    queryFn: ({ signal }) => fetchUsers(skip, PAGE_SIZE, signal),
    placeholderData: keepPreviousData,
  });
  const total = users.data?.total ?? 0;

  return (
    <div className="admin-section">
      <div className="admin-toolbar">
        <h2 className="admin-heading">{t('admin.users.title')}</h2>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          <Icon name="plus" />
          {t('admin.users.create')}
        </button>
      </div>
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.users.length === 0 ? (
        <EmptyState title={t('admin.users.empty')} />
      ) : (
        <>
          <div className="table-scroll" role="region" aria-label={t('admin.users.title')} tabIndex={0}>
            <table className="table admin-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.users.username')}</th>
                  <th scope="col">{t('admin.users.email')}</th>
                  <th scope="col">{t('admin.users.role')}</th>
                  <th scope="col">{t('admin.users.status')}</th>
                  <th scope="col">{t('admin.users.chats')}</th>
                  <th scope="col">{t('admin.users.lastLogin')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {users.data.users.map((user) => (
                  <UserRow key={user.id} user={user} isSelf={user.id === me.id} onReset={setResetting} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button
              type="button"
              className="button"
              disabled={skip === 0}
              onClick={() => setSkip(Math.max(0, skip - PAGE_SIZE))}
            >
              {t('common.previous')}
            </button>
            <span className="muted small">
              {t('admin.users.range', {
                from: skip + 1,
                to: Math.min(total, skip + PAGE_SIZE),
                total,
              })}
            </span>
            <button
              type="button"
              className="button"
              disabled={skip + PAGE_SIZE >= total}
              onClick={() => setSkip(skip + PAGE_SIZE)}
            >
              {t('common.next')}
            </button>
          </div>
        </>
      )}
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
    </div>
  );
}
