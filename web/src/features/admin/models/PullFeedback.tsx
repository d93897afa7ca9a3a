import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ModelDownload } from '../../../api/types';
import { useI18n, type Translate } from '../../../i18n/i18n';
import { errorMessage } from '../../../ui/states';
import { adminKeys, dismissDownload, retryDownload } from '../api';
import { percentOf } from '../format';

/**
 * Why a download failed, in the page's language (the server stores English text behind a code). A
 * transfer failure also carries what the server knows without its log — the host and the cause, such
 * as "could not reach hub.example: the host name does not resolve" — shown after the translation.
 */
export function failureText(t: Translate, download: ModelDownload): string {
  if (!download.error_code) return download.error ?? '';
  const text = t(`admin.models.failure.${download.error_code}`);
  if (download.error_code !== 'DOWNLOAD_FAILED') return text;
  const detail = transferDetail(download);
  return `${text} ${detail ? t('admin.models.failureDetail', { detail }) : t('admin.models.failureInLog')}`;
}

/** The server's own words after `DOWNLOAD_FAILED: `, unless they only say the log has the details. */
function transferDetail(download: ModelDownload): string | undefined {
  if (!download.error) return undefined;
  const detail = download.error.replace(/^DOWNLOAD_FAILED:\s*/, '').trim();
  return detail && !detail.startsWith('the download failed;') ? detail : undefined;
}

/** Retry and dismiss of a failed download; both refresh the downloads list (and a retry its polling). */
export function useDownloadActions() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.downloads });
  const retry = useMutation({ mutationFn: (id: string) => retryDownload(id), onSuccess: refresh });
  const dismiss = useMutation({ mutationFn: (id: string) => dismissDownload(id), onSuccess: refresh });
  return { retry, dismiss };
}

/** Retry and Dismiss for one failed download, with the error of either shown beside them. */
export function FailureActions({ download }: { download: ModelDownload }) {
  const { t } = useI18n();
  const { retry, dismiss } = useDownloadActions();
  const busy = retry.isPending || dismiss.isPending;
  const error = retry.error ?? dismiss.error;
  return (
    <div className="row-actions">
      <button
        type="button"
        className="button button-primary"
        disabled={busy}
        aria-label={t('admin.models.retryNamed', { name: download.name })}
        onClick={() => retry.mutate(download.id)}
      >
        {t('admin.models.retry')}
      </button>
      <button
        type="button"
        className="button"
        disabled={busy}
        aria-label={t('admin.models.dismissNamed', { name: download.name })}
        onClick={() => dismiss.mutate(download.id)}
      >
        {t('admin.models.dismiss')}
      </button>
      {error && (
        <p className="form-error small" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </div>
  );
}

/**
 * The state of one pull where it was started: how far it is, that it is done, or why it failed
 * with Retry and Dismiss.
 */
export function PullFeedback({ download }: { download: ModelDownload }) {
  const { t } = useI18n();
  if (download.status === 'downloading') {
    const percent = percentOf(download.bytes_done, download.bytes_total);
    return (
      <p className="small pull-feedback" role="status">
        {t('admin.models.pullRunning', {
          name: download.name,
          percent: percent === null ? '' : `${percent} %`,
        })}
      </p>
    );
  }
  if (download.status === 'completed') {
    return (
      <p className="small pull-feedback form-ok" role="status">
        {t('admin.models.pullDone', { name: download.name })}
      </p>
    );
  }
  return (
    <div className="pull-feedback pull-failure" data-testid="pull-failure">
      <p className="form-error small" role="alert">
        <strong>{t('admin.models.pullFailed', { name: download.name })}</strong> {failureText(t, download)}
      </p>
      <FailureActions download={download} />
    </div>
  );
}
