// The answer being generated, outside React: tokens land here and only the streaming message reads
// them (useSyncExternalStore), at most once per frame, so the rest of the conversation never
// re-renders while an answer streams.
import { useSyncExternalStore } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { ApiError, apiFetch, toApiError } from '../../api/client';
import { onSessionEnd } from '../../api/session';
import { errorMessage } from '../../ui/states';
import type { Conversation, Message } from '../../api/types';
import { chatKeys, fetchConversation } from './api';
import { readSse } from './sse';

/** How the knowledge base is used for a turn. */
export type RagMode = 'off' | 'auto' | 'always';

/** Where a turn stands. */
export type TurnPhase = 'waiting' | 'streaming' | 'done' | 'stopped' | 'error';

/** What the screen needs of a turn besides its text (changes a few times per turn). */
export interface TurnMeta {
  readonly turn: number;
  readonly kind: 'send' | 'regenerate';
  readonly phase: TurnPhase;
  /** The text sent, shown until the server's copy arrives. */
  readonly userText: string | null;
  readonly userMessage: Message | null;
  /** Knowledge search: null when none ran. */
  readonly rag: { readonly searching: boolean; readonly count: number | null } | null;
  readonly error: string | null;
  /** Seconds the server asked to wait before trying again (a busy model). */
  readonly retryAfter: number | null;
  /** The server's copy of the turn is in the query cache: the live copy is no longer shown. */
  readonly settled: boolean;
}

/** The growing answer. */
export interface TurnText {
  readonly text: string;
  readonly reasoning: string;
}

const EMPTY: TurnText = { text: '', reasoning: '' };
const metas = new Map<string, TurnMeta>();
const texts = new Map<string, TurnText>();
const pending = new Map<string, { text: string; reasoning: string }>();
const controllers = new Map<string, AbortController>();
const painted = new Set<number>();
const listeners = new Set<() => void>();
let turnCounter = 0;
let scheduled = false;

// A running answer stops, and its text goes, when its user's session ends.
onSessionEnd(() => {
  for (const controller of controllers.values()) controller.abort();
  controllers.clear();
  metas.clear();
  texts.clear();
  pending.clear();
});

const notify = () => {
  for (const listener of listeners) listener();
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

function flush(): void {
  scheduled = false;
  for (const [id, buffer] of pending) texts.set(id, { ...buffer });
  notify();
}

/** Batches text updates: one render per frame (a timer when the tab is hidden and frames stop). */
function scheduleFlush(): void {
  if (scheduled) return;
  scheduled = true;
  if (document.hidden) setTimeout(flush, 100);
  else requestAnimationFrame(flush);
}

function setMeta(id: string, changes: Partial<TurnMeta>): void {
  const current = metas.get(id);
  if (!current) return;
  if (pending.has(id)) texts.set(id, { ...pending.get(id)! });
  metas.set(id, { ...current, ...changes });
  notify();
}

/** The current turn of a conversation (null when none), re-rendering on phase changes only. */
export function useTurnMeta(conversationId: string | undefined): TurnMeta | null {
  return useSyncExternalStore(subscribe, () => (conversationId ? (metas.get(conversationId) ?? null) : null));
}

/** The streaming text of a conversation's turn, re-rendering at most once per frame. */
export function useTurnText(conversationId: string): TurnText {
  return useSyncExternalStore(subscribe, () => texts.get(conversationId) ?? EMPTY);
}

/**
 * Records the benchmark marks once per turn: `ps:first-chunk-committed` when React has put the first
 * text into the DOM (called from a layout effect), and `ps:first-chunk-painted` at the start of the
 * next frame, which comes after the browser painted it (an upper bound on "on screen").
 */
export function markFirstPaint(turn: number): void {
  if (painted.has(turn)) return;
  painted.add(turn);
  performance.mark('ps:first-chunk-committed');
  requestAnimationFrame(() => performance.mark('ps:first-chunk-painted'));
}

/** Stops the conversation's running turn (the server keeps the partial answer as incomplete). */
export function stopTurn(conversationId: string): void {
  controllers.get(conversationId)?.abort();
}

/** Forgets a finished turn's leftovers (an error shown under the conversation). */
export function dismissTurn(conversationId: string): void {
  if (controllers.has(conversationId)) return;
  metas.delete(conversationId);
  texts.delete(conversationId);
  notify();
}

/** Options of one turn. */
export interface TurnOptions {
  readonly conversationId: string;
  readonly kind: 'send' | 'regenerate';
  readonly message?: string;
  readonly ragMode: RagMode;
  readonly queryClient: QueryClient;
}

interface StreamEvent {
  content?: string;
  status?: string;
  results_count?: number;
  message?: string;
  code?: string;
}

/**
 * Runs one turn. Resolves with true once the server has taken it (the user's message is stored),
 * false when it was refused or stopped before that — the caller then gives the text back.
 */
export function startTurn(options: TurnOptions): Promise<boolean> {
  const { conversationId: id, kind, queryClient } = options;
  const controller = new AbortController();
  controllers.set(id, controller);
  const turn = ++turnCounter;
  performance.clearMarks('ps:first-chunk-received');
  performance.clearMarks('ps:first-chunk-painted');
  performance.clearMarks('ps:first-chunk-committed');
  const before = queryClient.getQueryData<Conversation>(chatKeys.session(id));
  const lastBefore = before?.messages.at(-1)?.id ?? null;
  const firstTurn = !before || before.messages.length === 0;
  metas.set(id, {
    turn,
    kind,
    phase: 'waiting',
    userText: kind === 'send' ? (options.message ?? '') : null,
    userMessage: null,
    rag: null,
    error: null,
    retryAfter: null,
    settled: false,
  });
  pending.set(id, { text: '', reasoning: '' });
  texts.set(id, EMPTY);
  notify();

  let accept!: (ok: boolean) => void;
  const accepted = new Promise<boolean>((resolve) => (accept = resolve));
  void (async () => {
    let userMessage: Message | null = null;
    let final: Message | null = null;
    let retryAfter: number | null = null;
    const buffer = pending.get(id)!;
    try {
      const path = `/api/v1/chat/sessions/${encodeURIComponent(id)}/${kind === 'send' ? 'messages' : 'regenerate'}`;
      const json =
        kind === 'send'
          ? { message: options.message, rag_mode: options.ragMode }
          : { rag_mode: options.ragMode };
      const response = await apiFetch('POST', path, { json, signal: controller.signal });
      if (!response.ok) {
        retryAfter = Number(response.headers.get('retry-after')) || null;
        throw await toApiError(response);
      }
      if (kind === 'regenerate') accept(true);
      for await (const event of readSse(response.body!)) {
        const data = JSON.parse(event.data) as StreamEvent;
        if (event.event === 'user_message') {
          userMessage = data as unknown as Message;
          accept(true);
          // The question is stored: it joins the conversation now. Only a first question renames the
          // conversation, so only then is the conversation (and the list) read again.
          addMessages(queryClient, id, [userMessage]);
          setMeta(id, { userMessage });
          if (firstTurn) {
            void queryClient.invalidateQueries({ queryKey: chatKeys.session(id) });
            void queryClient.invalidateQueries({ queryKey: chatKeys.sessions });
          }
        } else if (event.event === 'rag_search') {
          const count = data.status === 'completed' ? (data.results_count ?? 0) : null;
          setMeta(id, { rag: { searching: data.status !== 'completed', count } });
        } else if (event.event === 'chunk' || event.event === 'reasoning') {
          if (event.event === 'chunk') {
            if (!buffer.text) performance.mark('ps:first-chunk-received');
            buffer.text += data.content ?? '';
          } else buffer.reasoning += data.content ?? '';
          if (metas.get(id)?.phase === 'waiting') setMeta(id, { phase: 'streaming' });
          else scheduleFlush();
        } else if (event.event === 'done') {
          final = data as unknown as Message;
        } else if (event.event === 'error') {
          throw new ApiError(500, data.code ?? 'MODEL_ERROR', data.message ?? 'Generation failed');
        }
      }
      if (!final) throw new ApiError(0, 'INTERRUPTED', '');
      commit(queryClient, id, kind, final);
      setMeta(id, { phase: 'done', settled: true });
    } catch (error) {
      const stopped = controller.signal.aborted;
      const taken = kind === 'regenerate' || userMessage !== null;
      accept(false);
      if (!taken) {
        if (stopped) metas.delete(id);
        else setMeta(id, { phase: 'error', error: errorMessage(error), retryAfter, settled: true });
        notify();
      } else {
        setMeta(id, stopped ? { phase: 'stopped' } : { phase: 'error', error: errorMessage(error) });
        await settle(queryClient, id, kind, userMessage, lastBefore);
        setMeta(id, { settled: true });
      }
    } finally {
      if (controllers.get(id) === controller) controllers.delete(id);
      pending.delete(id);
      void queryClient.invalidateQueries({ queryKey: chatKeys.sessions });
    }
  })();
  return accepted;
}

/** Appends stored messages to the cached conversation (those it does not have yet). */
function addMessages(queryClient: QueryClient, id: string, added: Message[]): void {
  queryClient.setQueryData<Conversation>(chatKeys.session(id), (conversation) => {
    if (!conversation) return conversation;
    const fresh = added.filter((message) => !conversation.messages.some((known) => known.id === message.id));
    const messages = [...conversation.messages, ...fresh];
    return { ...conversation, messages, total_messages: messages.length };
  });
}

/** Puts the finished answer into the cached conversation (no refetch needed, no flicker). */
function commit(queryClient: QueryClient, id: string, kind: 'send' | 'regenerate', final: Message): void {
  if (kind === 'regenerate') {
    // The server replaced every answer after the last question.
    queryClient.setQueryData<Conversation>(chatKeys.session(id), (conversation) => {
      if (!conversation) return conversation;
      const all = conversation.messages;
      return { ...conversation, messages: all.slice(0, all.findLastIndex((m) => m.role === 'user') + 1) };
    });
  }
  addMessages(queryClient, id, [final]);
  void queryClient.invalidateQueries({ queryKey: chatKeys.session(id) });
}

/**
 * After a stop or a failure the server stores the partial answer as the request winds down: reload
 * the conversation until it is there (a few seconds at most).
 */
async function settle(
  queryClient: QueryClient,
  id: string,
  kind: 'send' | 'regenerate',
  userMessage: Message | null,
  lastBefore: string | null,
): Promise<void> {
  for (let attempt = 0; attempt < 16; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 150 + attempt * 50));
    try {
      const conversation = await fetchConversation(id);
      const last = conversation.messages.at(-1);
      const stored =
        last?.role === 'assistant' &&
        last.id !== lastBefore &&
        (kind === 'regenerate' || conversation.messages.some((message) => message.id === userMessage?.id));
      if (stored || attempt === 15) {
        queryClient.setQueryData(chatKeys.session(id), conversation);
        return;
      }
    } catch {
      // keep trying; the live copy stays on screen meanwhile
    }
  }
}
