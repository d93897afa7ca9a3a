import { useT } from '../i18n/i18n';
import { Dialog } from './Dialog';
import { errorMessage } from './states';

/** A yes/no question before a consequential action, showing the action's error if it fails. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  busyLabel?: string;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const { open, title, body, confirmLabel, danger, busy, busyLabel, error, onConfirm, onClose } = props;
  return (
    <Dialog open={open} title={title} onClose={busy ? undefined : onClose}>
      <p>{body}</p>
      {busy && (
        <p className="dialog-busy" role="status">
          <span className="spinner" aria-hidden="true" />
          {busyLabel ?? t('common.loading')}
        </p>
      )}
      {error !== null && error !== undefined && (
        <p className="form-error" role="alert">
          {t('common.error', { message: errorMessage(error) })}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={`button ${danger ? 'button-danger' : 'button-primary'}`}
          onClick={onConfirm}
          disabled={busy}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
