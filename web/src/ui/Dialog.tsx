import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal dialog on the native <dialog> element: focus is trapped and restored by the browser, Escape
 * closes it (unless `dismissable` is false).
 */
export function Dialog(props: {
  open: boolean;
  title: string;
  onClose?: () => void;
  dismissable?: boolean;
  children: ReactNode;
  className?: string;
}) {
  const { open, title, onClose, dismissable = true, children, className } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // showModal() focuses the first field; honour the one the content asked for instead.
      dialog.querySelector<HTMLElement>('[data-autofocus="true"]')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  // Unmounted while open (e.g. the sign-in dialog once signed in): close it so focus returns.
  useEffect(() => () => ref.current?.close(), []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissable) onClose?.();
      }}
      onClose={() => {
        // Browsers may close a modal on a repeated Escape despite preventDefault: keep it open
        // when it must not be dismissed, else tell the owner.
        if (!open) return;
        if (dismissable) onClose?.();
        else ref.current?.showModal();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {open && children}
    </dialog>
  );
}
