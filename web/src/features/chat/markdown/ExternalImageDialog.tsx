import { useT } from '../../../i18n/i18n';
import { Dialog } from '../../../ui/Dialog';

/** Asks before an image from another host is opened in a new tab (it is never loaded in the page). */
export function ExternalImageDialog(props: { url: string | null; onClose: () => void }) {
  const { url, onClose } = props;
  const t = useT();
  const host = url ? hostOf(url) : '';
  const open = () => {
    if (url) window.open(url, '_blank', 'noopener,noreferrer');
    onClose();
  };
  return (
    <Dialog open={url !== null} title={t('markdown.externalImageTitle')} onClose={onClose}>
      <p>{t('markdown.externalImageBody', { host })}</p>
      <p className="md-external-url">{url}</p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button button-primary" onClick={open}>
          {t('markdown.externalImageOpen')}
        </button>
      </div>
    </Dialog>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
