// Server state of the chat screen: query keys, queries and the small mutations.
import type { Static } from '@sinclair/typebox';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ConversationSummary as SummarySchema } from '../../../../contracts/chat.contract.js';
import { api } from '../../api/client';
import type { ChunkInfo, Conversation, EngineState, Message, Prompt, RegisteredModel } from '../../api/types';
import { toSources, type Source } from './markdown/sources';

/** One page of the conversation list. */
export interface SessionPage {
  total: number;
  sessions: Static<typeof SummarySchema>[];
}

/** Conversations loaded per page of the list. */
export const SESSION_PAGE = 30;

/** Query keys of the chat screen. */
export const chatKeys = {
  all: ['chat'] as const,
  sessions: ['chat', 'sessions'] as const,
  session: (id: string) => ['chat', 'session', id] as const,
  chunk: (documentId: string, chunkId: string) => ['chat', 'chunk', documentId, chunkId] as const,
  models: ['models'] as const,
  prompts: ['prompts'] as const,
};

/** Fetches one conversation with its messages. */
export const fetchConversation = (id: string, signal?: AbortSignal) =>
  api<Conversation>('GET', `/api/v1/chat/sessions/${encodeURIComponent(id)}`, { signal });

/** The user's conversations, newest first, one page at a time. */
export function useSessions() {
  return useInfiniteQuery({
    queryKey: chatKeys.sessions,
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) =>
      api<SessionPage>('GET', '/api/v1/chat/sessions', {
        query: { skip: pageParam, limit: SESSION_PAGE },
        signal,
      }),
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((count, page) => count + page.sessions.length, 0);
      return loaded < last.total && last.sessions.length > 0 ? loaded : undefined;
    },
  });
}

/** One conversation with its messages (nothing for a new chat). */
export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: chatKeys.session(id ?? ''),
    queryFn: ({ signal }) => fetchConversation(id!, signal),
    enabled: id !== undefined,
  });
}

/** The registered models and the engine's state. */
export function useModels() {
  return useQuery({
    queryKey: chatKeys.models,
    queryFn: ({ signal }) =>
      api<{ models: RegisteredModel[]; engine: EngineState }>('GET', '/api/v1/models', { signal }),
  });
}

/** The system-prompt library. */
export function usePrompts() {
  return useQuery({
    queryKey: chatKeys.prompts,
    queryFn: ({ signal }) => api<{ prompts: Prompt[] }>('GET', '/api/v1/prompts', { signal }),
    staleTime: 60_000,
  });
}

/** The exact text of one cited chunk. */
export function useChunk(documentId: string, chunkId: string) {
  return useQuery({
    queryKey: chatKeys.chunk(documentId, chunkId),
    queryFn: ({ signal }) =>
      api<ChunkInfo>(
        'GET',
        `/api/v1/files/${encodeURIComponent(documentId)}/chunks/${encodeURIComponent(chunkId)}`,
        { signal },
      ),
    staleTime: Infinity,
  });
}

/** A source an answer may cite as [n], as the server stores it with the message. */
export type ChatSource = Source;

const sourceCache = new WeakMap<Message, ChatSource[]>();

/** The well-formed sources of a message (the same array for the same message object). */
export function sourcesOf(message: Message): ChatSource[] {
  let sources = sourceCache.get(message);
  if (!sources) {
    sources = toSources(message.sources);
    sourceCache.set(message, sources);
  }
  return sources;
}
