import { useId, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { useT } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { setDraft, useDraft } from './drafts';

/** The message box: Enter sends, Shift+Enter adds a line; Stop while an answer streams. */
export function Composer(props: {
  draft: string;
  writer: boolean;
  busy: boolean;
  onSend: (text: string) => Promise<void>;
  onStop: () => void;
}) {
  const { draft, writer, busy, onSend, onStop } = props;
  const t = useT();
  const id = useId();
  const text = useDraft(draft);
  const ref = useRef<HTMLTextAreaElement>(null);
  const canSend = writer && !busy && text.trim() !== '';

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    void onSend(text);
    ref.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form className="chat-composer" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('chat.composerLabel')}
      </label>
      <textarea
        id={id}
        ref={ref}
        rows={2}
        value={text}
        disabled={!writer}
        placeholder={writer ? t('chat.composerPlaceholder') : t('chat.readOnly')}
        onChange={(event) => setDraft(draft, event.target.value)}
        onKeyDown={onKeyDown}
      />
      {busy ? (
        <button type="button" className="button chat-stop" onClick={onStop}>
          <Icon name="stop" />
          {t('chat.stop')}
        </button>
      ) : (
        <button
          type="submit"
          className="button button-primary chat-send"
          aria-label={t('chat.send')}
          disabled={!canSend}
        >
          <Icon name="send" />
          <span className="chat-send-label">{t('chat.send')}</span>
        </button>
      )}
    </form>
  );
}
