import { memo, useLayoutEffect } from 'react';
import { useT } from '../../i18n/i18n';
import { Markdown } from './markdown/Markdown';
import { Reasoning } from './MessageParts';
import { dismissTurn, markFirstPaint, useTurnText, type TurnMeta } from './turns';

/** The turn in progress: the message sent, search status, the growing answer, or its error. */
export function LiveTurn({ conversationId, meta }: { conversationId: string; meta: TurnMeta }) {
  const t = useT();
  const showLive = !meta.settled;
  // Once stored, the question is part of the conversation above; until then it shows here.
  const userText = meta.userMessage ? null : meta.userText;
  return (
    <>
      {showLive && userText !== null && meta.phase !== 'error' && (
        <div className="chat-message chat-message-user chat-live-user" data-role="user">
          <span className="visually-hidden">{t('chat.you')}: </span>
          <div className="chat-user-text">{userText}</div>
        </div>
      )}
      {showLive && meta.rag && (
        <p className="chat-rag-status muted small" role="status">
          {meta.rag.searching
            ? t('chat.rag.searching')
            : meta.rag.count
              ? t('chat.rag.found', { count: meta.rag.count })
              : t('chat.rag.none')}
        </p>
      )}
      {showLive && (meta.phase !== 'error' || meta.userMessage || meta.kind === 'regenerate') && (
        <StreamingAnswer conversationId={conversationId} turn={meta.turn} phase={meta.phase} />
      )}
      {meta.phase === 'error' && (
        <div className="chat-error" role="alert">
          <p>
            {meta.retryAfter
              ? t('chat.retryAfter', { seconds: meta.retryAfter })
              : meta.error
                ? t('chat.errorTitle', { message: meta.error })
                : t('chat.interrupted')}
          </p>
          {meta.settled && (
            <button type="button" className="button" onClick={() => dismissTurn(conversationId)}>
              {t('chat.dismiss')}
            </button>
          )}
        </div>
      )}
    </>
  );
}

/** The answer as it streams: the only component that re-renders per token (once per frame). */
const StreamingAnswer = memo(function StreamingAnswer(props: {
  conversationId: string;
  turn: number;
  phase: TurnMeta['phase'];
}) {
  const { conversationId, turn, phase } = props;
  const t = useT();
  const { text, reasoning } = useTurnText(conversationId);
  const live = phase === 'waiting' || phase === 'streaming';
  useLayoutEffect(() => {
    if (text) markFirstPaint(turn);
  }, [text, turn]);
  return (
    <div
      className="chat-message chat-message-assistant chat-live"
      data-role="assistant"
      data-streaming={live ? 'true' : 'false'}
      aria-busy={live}
    >
      <span className="visually-hidden">{t('chat.assistant')}: </span>
      {reasoning && <Reasoning text={reasoning} streaming={live && !text} />}
      {text ? (
        <div className="chat-answer" data-testid="answer">
          <Markdown text={text} streaming={live} />
        </div>
      ) : (
        live && (
          <p className="chat-typing muted">
            <span className="spinner chat-inline-spinner" aria-hidden="true" />
            {phase === 'waiting' ? t('chat.waiting') : t('chat.thinking')}
          </p>
        )
      )}
      {phase === 'stopped' && <span className="badge badge-warn">{t('chat.stopped')}</span>}
    </div>
  );
});
