import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { AdminUser } from '../../../api/types';
import { useT } from '../../../i18n/i18n';
import { Dialog } from '../../../ui/Dialog';
import { Icon } from '../../../ui/Icon';
import { errorMessage } from '../../../ui/states';
import { resetPassword } from '../api';

/** Confirms a password reset, then shows the temporary password once, with a copy button. */
export function ResetPasswordDialog({ user, onClose }: { user: AdminUser | null; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog open={user !== null} title={t('admin.users.resetTitle')} onClose={onClose}>
      {user && <ResetBody key={user.id} user={user} onClose={onClose} />}
    </Dialog>
  );
}

function ResetBody({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const t = useT();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const reset = useMutation({ mutationFn: () => resetPassword(user.id) });
  const name = user.display_name ?? user.username;
  const temporary = reset.data?.temporary_password;

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };

  if (reset.isSuccess) {
    return (
      <>
        <p>{t('admin.users.resetDone', { name })}</p>
        {temporary && (
          <>
            <div className="secret-row">
              <code className="secret" data-testid="temporary-password">
                {temporary}
              </code>
              <button type="button" className="button" onClick={() => void copy(temporary)}>
                <Icon name="copy" />
                {t('common.copy')}
              </button>
            </div>
            <p className="muted small" role="status">
              {copied === 'yes'
                ? t('common.copied')
                : copied === 'failed'
                  ? t('admin.users.copyFailed')
                  : t('admin.users.shownOnce')}
            </p>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </>
    );
  }
  return (
    <>
      <p>{t('admin.users.resetConfirm', { name })}</p>
      {reset.isError && (
        <p className="form-error" role="alert">
          {t('common.error', { message: errorMessage(reset.error) })}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={reset.isPending}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={() => reset.mutate()}
          disabled={reset.isPending}
        >
          {reset.isPending ? t('admin.users.resetting') : t('admin.users.reset')}
        </button>
      </div>
    </>
  );
}
