import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memo, useState, type KeyboardEvent } from 'react';
import { Link } from 'wouter';
import { api } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { errorMessage } from '../../ui/states';
import { chatKeys, type SessionPage } from './api';

/** A conversation of the list. */
export type Summary = SessionPage['sessions'][number];

/** One row of the conversation list: a link, and rename/delete for writers. */
export const ConversationItem = memo(function ConversationItem(props: {
  item: Summary;
  active: boolean;
  writer: boolean;
  onNavigate: () => void;
  onDelete: (item: Summary) => void;
}) {
  const { item, active, writer, onNavigate, onDelete } = props;
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(item.title);

  const rename = useMutation({
    mutationFn: (next: string) =>
      api<Summary>('PATCH', `/api/v1/chat/sessions/${encodeURIComponent(item.id)}`, {
        json: { title: next },
      }),
    onSuccess: () => {
      setEditing(false);
      void queryClient.invalidateQueries({ queryKey: chatKeys.sessions });
      void queryClient.invalidateQueries({ queryKey: chatKeys.session(item.id) });
    },
  });

  const save = () => {
    const next = title.trim();
    if (!next || next === item.title) return setEditing(false);
    rename.mutate(next);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      save();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setTitle(item.title);
      setEditing(false);
    }
  };

  if (editing) {
    return (
      <li className="chat-list-item chat-list-editing">
        <input
          aria-label={t('chat.renameLabel')}
          value={title}
          maxLength={300}
          autoFocus
          disabled={rename.isPending}
          onChange={(event) => setTitle(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={save}
        />
        {rename.isError && (
          <span className="form-error small" role="alert">
            {errorMessage(rename.error)}
          </span>
        )}
      </li>
    );
  }
  return (
    <li className={`chat-list-item ${active ? 'chat-list-active' : ''}`}>
      <Link
        href={`/chat/${item.id}`}
        className="chat-list-link"
        aria-current={active ? 'page' : undefined}
        onClick={onNavigate}
      >
        <span className="chat-list-title">{item.title}</span>
        <span className="chat-list-date muted small">
          {new Date(item.updated_at).toLocaleDateString(locale, { day: 'numeric', month: 'short' })}
        </span>
      </Link>
      {writer && (
        <span className="chat-list-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={t('chat.rename', { title: item.title })}
            onClick={() => {
              setTitle(item.title);
              setEditing(true);
            }}
          >
            <Icon name="edit" size={16} />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('chat.delete', { title: item.title })}
            onClick={() => onDelete(item)}
          >
            <Icon name="trash" size={16} />
          </button>
        </span>
      )}
    </li>
  );
});
