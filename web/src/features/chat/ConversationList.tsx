import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api } from '../../api/client';
import { useUser } from '../../auth/useSession';
import { useT } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { EmptyState, ErrorState, Loading } from '../../ui/states';
import { chatKeys, useSessions, type SessionPage } from './api';
import { ConversationItem, type Summary } from './ConversationItem';

/** The side column: new chat, search, and the user's conversations (a panel on a phone). */
export function ConversationList({ activeId, onNavigate }: { activeId?: string; onNavigate: () => void }) {
  const t = useT();
  const searchId = useId();
  const user = useUser();
  const writer = user.role !== 'viewer';
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const sessions = useSessions();
  const [query, setQuery] = useState('');
  const [deleting, setDeleting] = useState<Summary | null>(null);

  const all = useMemo(() => sessions.data?.pages.flatMap((page) => page.sessions) ?? [], [sessions.data]);
  const shown = useMemo(() => {
    const needle = query.trim().toLocaleLowerCase();
    return needle ? all.filter((item) => item.title.toLocaleLowerCase().includes(needle)) : all;
  }, [all, query]);

  const remove = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/v1/chat/sessions/${encodeURIComponent(id)}`),
    onSuccess: (_result, id) => {
      queryClient.setQueryData<{ pages: SessionPage[]; pageParams: number[] }>(chatKeys.sessions, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                total: page.total - 1,
                sessions: page.sessions.filter((item) => item.id !== id),
              })),
            }
          : data,
      );
      queryClient.removeQueries({ queryKey: chatKeys.session(id) });
      void queryClient.invalidateQueries({ queryKey: chatKeys.sessions });
      setDeleting(null);
      if (id === activeId) navigate('/chat');
    },
  });

  return (
    <aside className="chat-list" aria-label={t('chat.conversations')}>
      <Link href="/chat" className="button button-primary chat-new" onClick={onNavigate}>
        <Icon name="plus" />
        {t('chat.newChat')}
      </Link>
      <div className="chat-search">
        <label htmlFor={searchId} className="visually-hidden">
          {t('chat.searchConversations')}
        </label>
        <Icon name="search" size={16} />
        <input
          id={searchId}
          type="search"
          placeholder={t('chat.searchConversations')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <h2 className="visually-hidden">{t('chat.conversations')}</h2>
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : shown.length === 0 ? (
        <EmptyState
          title={query.trim() ? t('chat.noMatches', { query: query.trim() }) : t('chat.noConversations')}
        />
      ) : (
        <ul className="chat-list-items" data-testid="conversation-list">
          {shown.map((item) => (
            <ConversationItem
              key={item.id}
              item={item}
              active={item.id === activeId}
              writer={writer}
              onNavigate={onNavigate}
              onDelete={setDeleting}
            />
          ))}
        </ul>
      )}
      {sessions.hasNextPage && (
        <button
          type="button"
          className="button chat-load-more"
          disabled={sessions.isFetchingNextPage}
          onClick={() => void sessions.fetchNextPage()}
        >
          {sessions.isFetchingNextPage ? t('chat.loadingMore') : t('chat.loadMore')}
        </button>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={t('chat.deleteTitle')}
        body={t('chat.deleteBody', { title: deleting?.title ?? '' })}
        confirmLabel={t('common.delete')}
        danger
        busy={remove.isPending}
        busyLabel={t('chat.deleting')}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => setDeleting(null)}
      />
    </aside>
  );
}
