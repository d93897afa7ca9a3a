import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useT } from '../../../i18n/i18n';
import { errorMessage } from '../../../ui/states';
import type { ModelDownload } from '../../../api/types';
import { adminKeys, pullModel } from '../api';
import { PullFeedback } from './PullFeedback';

/**
 * Pull a GGUF file from any http(s) URL, with an optional SHA-256 to verify it against. The pull it
 * started shows under its button until dismissed: progress, done, or the failure with Retry and Dismiss.
 */
export function PullUrlForm({ downloads }: { downloads: ModelDownload[] }) {
  const t = useT();
  const id = useId();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [sha256, setSha256] = useState('');
  const [startedId, setStartedId] = useState<string | null>(null);
  const pull = useMutation({
    mutationFn: () => pullModel(url.trim(), sha256.trim() || undefined),
    onSuccess: async (download) => {
      setUrl('');
      setSha256('');
      setStartedId(download.id);
      await queryClient.invalidateQueries({ queryKey: adminKeys.downloads });
    },
  });
  // A dismissed download leaves the list, and with it this feedback.
  const started = downloads.find((download) => download.id === startedId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    pull.mutate();
  };

  return (
    <section className="admin-subsection" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="admin-subheading">
        {t('admin.models.pullUrl')}
      </h3>
      <form className="form pull-form" onSubmit={submit}>
        <label htmlFor={`${id}-url`}>{t('admin.models.url')}</label>
        <input
          id={`${id}-url`}
          type="url"
          required
          placeholder="https://…/model.gguf"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
        <label htmlFor={`${id}-sha`}>{t('admin.models.sha256')}</label>
        <input
          id={`${id}-sha`}
          pattern="[0-9a-fA-F]{64}"
          spellCheck={false}
          value={sha256}
          onChange={(event) => setSha256(event.target.value)}
        />
        <p className="form-error" role="alert">
          {pull.isError ? errorMessage(pull.error) : ''}
        </p>
        <div>
          <button type="submit" className="button button-primary" disabled={pull.isPending}>
            {pull.isPending ? t('admin.models.starting') : t('admin.models.pull')}
          </button>
        </div>
        {started && <PullFeedback download={started} />}
      </form>
    </section>
  );
}
