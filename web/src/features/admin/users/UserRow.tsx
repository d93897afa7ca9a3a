import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdminUser, Role } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { errorMessage } from '../../../ui/states';
import { adminKeys, updateUser } from '../api';
import { formatDateTime, formatNumber } from '../format';

/** The four roles, most privileged first. */
export const ROLES: readonly Role[] = ['admin', 'manager', 'user', 'viewer'];

/** One account in the users table, with its role select and actions. */
export function UserRow(props: { user: AdminUser; isSelf: boolean; onReset: (user: AdminUser) => void }) {
  const { user, isSelf, onReset } = props;
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (changes: { role?: Role; disabled?: boolean }) => updateUser(user.id, changes),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.allUsers }),
  });
  const name = user.display_name ?? user.username;

  return (
    <tr className={user.disabled ? 'row-disabled' : undefined}>
      <td>
        <strong>{user.username}</strong>
        {user.display_name && <div className="muted small">{user.display_name}</div>}
      </td>
      <td className="nowrap">{user.email}</td>
      <td>
        <select
          aria-label={t('admin.users.roleOf', { name })}
          value={user.role}
          disabled={isSelf || update.isPending}
          onChange={(event) => update.mutate({ role: event.target.value as Role })}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`role.${role}`)}
            </option>
          ))}
        </select>
        {update.isError && (
          <div className="form-error small" role="alert">
            {errorMessage(update.error)}
          </div>
        )}
      </td>
      <td>
        <span className={`badge ${user.disabled ? 'badge-error' : 'badge-ok'}`}>
          {user.disabled ? t('admin.users.disabled') : t('admin.users.enabled')}
        </span>
        {user.must_change_password && <div className="muted small">{t('admin.users.mustChangeBadge')}</div>}
      </td>
      <td data-testid="chat-count">{formatNumber(user.chat_count, locale)}</td>
      <td className="nowrap">{formatDateTime(user.last_login_at, locale)}</td>
      <td>
        <div className="row-actions">
          <button
            type="button"
            className="button"
            disabled={isSelf || update.isPending}
            aria-label={
              user.disabled ? t('admin.users.enableNamed', { name }) : t('admin.users.disableNamed', { name })
            }
            onClick={() => update.mutate({ disabled: !user.disabled })}
          >
            {user.disabled ? t('admin.users.enable') : t('admin.users.disable')}
          </button>
          <button
            type="button"
            className="button"
            aria-label={t('admin.users.resetNamed', { name })}
            onClick={() => onReset(user)}
          >
            {t('admin.users.reset')}
          </button>
        </div>
      </td>
    </tr>
  );
}
