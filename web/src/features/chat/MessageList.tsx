import { memo, useCallback } from 'react';
import type { Message } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { sourcesOf, type ChatSource } from './api';
import { Markdown } from './markdown/Markdown';
import { CopyButton, MessageStats, Reasoning, SourceList } from './MessageParts';

/** The stored messages of a conversation; each one re-renders only when it changes. */
export const MessageList = memo(function MessageList(props: {
  messages: readonly Message[];
  regenerateId: string | null;
  onRegenerate: () => void;
  onOpenSource: (source: ChatSource) => void;
}) {
  const { messages, regenerateId, onRegenerate, onOpenSource } = props;
  return (
    <ol className="chat-messages">
      {messages.map((message) => (
        <MessageItem
          key={message.id}
          message={message}
          onRegenerate={message.id === regenerateId ? onRegenerate : undefined}
          onOpenSource={onOpenSource}
        />
      ))}
    </ol>
  );
});

/** One stored message: the user's plain text, or the assistant's answer with its extras. */
export const MessageItem = memo(function MessageItem(props: {
  message: Message;
  onRegenerate?: () => void;
  onOpenSource: (source: ChatSource) => void;
}) {
  const { message, onRegenerate, onOpenSource } = props;
  const t = useT();
  const sources = sourcesOf(message);
  const onCitation = useCallback(
    (index: number) => {
      const source = sources.find((candidate) => candidate.index === index);
      if (source) onOpenSource(source);
    },
    [sources, onOpenSource],
  );

  if (message.role === 'user') {
    return (
      <li className="chat-message chat-message-user" data-role="user">
        <span className="visually-hidden">{t('chat.you')}: </span>
        <div className="chat-user-text">{message.content}</div>
      </li>
    );
  }
  return (
    <li
      className={`chat-message chat-message-assistant chat-status-${message.status}`}
      data-role="assistant"
      data-status={message.status}
    >
      <span className="visually-hidden">{t('chat.assistant')}: </span>
      {message.reasoning && <Reasoning text={message.reasoning} />}
      <div className="chat-answer" data-testid="answer">
        <Markdown text={message.content} sources={sources} onCitation={onCitation} />
      </div>
      {message.status !== 'complete' && (
        <span className={`badge ${message.status === 'error' ? 'badge-error' : 'badge-warn'}`}>
          {message.status === 'error' ? t('chat.failed') : t('chat.stopped')}
        </span>
      )}
      {sources.length > 0 && <SourceList sources={sources} onOpen={onOpenSource} />}
      <div className="chat-message-footer">
        <CopyButton text={message.content} />
        {onRegenerate && (
          <button
            type="button"
            className="icon-button"
            aria-label={t('chat.regenerate')}
            title={t('chat.regenerate')}
            onClick={onRegenerate}
          >
            <Icon name="refresh" size={18} />
          </button>
        )}
        <MessageStats message={message} />
      </div>
    </li>
  );
});
