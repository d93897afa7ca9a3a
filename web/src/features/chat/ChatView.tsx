import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiError } from '../../api/client';
import type { Conversation } from '../../api/types';
import { useUser } from '../../auth/useSession';
import { useT } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { EmptyState, ErrorState, Loading } from '../../ui/states';
import { chatKeys, useConversation, type ChatSource } from './api';
import { CitationPanel } from './CitationPanel';
import { Composer } from './Composer';
import { draftKey, holdDraft, releaseDraft, restoreDraft } from './drafts';
import { LiveTurn } from './LiveTurn';
import { MessageList } from './MessageList';
import { ChatToolbar, useRagMode } from './Toolbar';
import { startTurn, stopTurn, useTurnMeta } from './turns';
import { useStickToBottom } from './useStickToBottom';

/** One conversation (or a new chat): toolbar, messages, the live answer and the composer. */
export function ChatView(props: { conversationId?: string; listOpen: boolean; onToggleList: () => void }) {
  const { conversationId, listOpen, onToggleList } = props;
  const t = useT();
  const titleId = useId();
  const writer = useUser().role !== 'viewer';
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const conversation = useConversation(conversationId);
  const meta = useTurnMeta(conversationId);
  const [ragMode, setRagMode] = useRagMode();
  const [promptId, setPromptId] = useState<string | undefined>(undefined);
  const [citation, setCitation] = useState<ChatSource | null>(null);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<unknown>(null);
  const busy = creating || meta?.phase === 'waiting' || meta?.phase === 'streaming';
  const { scrollRef, contentRef } = useStickToBottom();
  const ragRef = useRef(ragMode);
  useEffect(() => {
    ragRef.current = ragMode;
  }, [ragMode]);
  const usable = conversationId === undefined || conversation.isSuccess;
  useEffect(() => {
    // Benchmark mark (bench/web.ts): the first moment of this page load the user can type and send.
    if (usable && performance.getEntriesByName('ps:chat-interactive').length === 0) {
      performance.mark('ps:chat-interactive');
    }
  }, [usable]);

  const messages = useMemo(() => {
    const all = conversation.data?.messages.filter((message) => message.role !== 'system') ?? [];
    if (meta?.kind !== 'regenerate' || meta.settled) return all;
    // The answers being regenerated make way for the new one.
    return all.slice(0, all.findLastIndex((message) => message.role === 'user') + 1);
  }, [conversation.data, meta?.kind, meta?.settled]);
  const last = messages.at(-1);
  const regenerateId = writer && !busy && last?.role === 'assistant' ? last.id : null;

  const send = useCallback(
    async (text: string) => {
      const fromKey = draftKey(conversationId);
      holdDraft(fromKey);
      setCreateError(null);
      let id = conversationId;
      if (id === undefined) {
        setCreating(true);
        try {
          const body = promptId ? { prompt_id: promptId } : {};
          const created = await api<Conversation>('POST', '/api/v1/chat/sessions', { json: body });
          id = created.id;
          queryClient.setQueryData<Conversation>(chatKeys.session(id), { ...created, messages: [] });
        } catch (error) {
          restoreDraft(fromKey, text);
          setCreateError(error);
          setCreating(false);
          return;
        }
      }
      const target = id;
      const accepted = startTurn({
        conversationId: target,
        kind: 'send',
        message: text,
        ragMode: ragRef.current,
        queryClient,
      });
      if (conversationId === undefined) navigate(`/chat/${target}`);
      const ok = await accepted;
      if (ok) return releaseDraft(fromKey);
      if (fromKey !== draftKey(target)) releaseDraft(fromKey);
      restoreDraft(draftKey(target), text);
    },
    [conversationId, promptId, queryClient, navigate],
  );
  const regenerate = useCallback(() => {
    if (conversationId === undefined) return;
    void startTurn({ conversationId, kind: 'regenerate', ragMode: ragRef.current, queryClient });
  }, [conversationId, queryClient]);
  const closeCitation = useCallback(() => setCitation(null), []);
  const stop = useCallback(() => {
    if (conversationId !== undefined) stopTurn(conversationId);
  }, [conversationId]);

  const announcement =
    meta?.phase === 'done'
      ? t('chat.answerDone')
      : meta?.phase === 'stopped'
        ? t('chat.answerStopped')
        : meta?.phase === 'error'
          ? t('chat.answerFailed')
          : '';

  let body;
  if (conversationId !== undefined && conversation.isPending) body = <Loading />;
  else if (conversation.isError) {
    body =
      conversation.error instanceof ApiError && conversation.error.status === 404 ? (
        <EmptyState title={t('chat.notFound')}>
          <Link href="/chat">{t('chat.newChat')}</Link>
        </EmptyState>
      ) : (
        <ErrorState error={conversation.error} onRetry={() => void conversation.refetch()} />
      );
  } else if (messages.length === 0 && !meta) {
    body = (
      <EmptyState title={conversationId ? t('chat.emptyConversation') : t('chat.empty.title')}>
        {!conversationId && <p>{t('chat.empty.body')}</p>}
      </EmptyState>
    );
  } else {
    body = (
      <>
        <MessageList
          messages={messages}
          regenerateId={regenerateId}
          onRegenerate={regenerate}
          onOpenSource={setCitation}
        />
        {meta && conversationId && <LiveTurn conversationId={conversationId} meta={meta} />}
      </>
    );
  }

  return (
    <section className="chat-main" aria-labelledby={titleId}>
      <header className="chat-header">
        <button
          type="button"
          className="icon-button chat-list-toggle"
          aria-label={listOpen ? t('chat.hideConversations') : t('chat.showConversations')}
          aria-expanded={listOpen}
          onClick={onToggleList}
        >
          <Icon name={listOpen ? 'close' : 'chat'} />
        </button>
        <h1 id={titleId} className="chat-title">
          {conversation.data?.title ?? t('chat.newChat')}
        </h1>
        <ChatToolbar
          conversation={conversation.data}
          isNew={conversationId === undefined}
          promptId={promptId}
          onPromptChange={setPromptId}
          ragMode={ragMode}
          onRagModeChange={setRagMode}
        />
      </header>
      <div className="chat-scroll" ref={scrollRef}>
        <div className="chat-thread" ref={contentRef}>
          {body}
          {createError !== null && <ErrorState error={createError} />}
        </div>
      </div>
      <Composer draft={draftKey(conversationId)} writer={writer} busy={busy} onSend={send} onStop={stop} />
      <div className="visually-hidden" aria-live="polite" data-testid="chat-announcer">
        {announcement}
      </div>
      {citation && (
        <CitationPanel
          key={`${citation.document_id}:${citation.chunk_id}`}
          source={citation}
          onClose={closeCitation}
        />
      )}
    </section>
  );
}
