import { errors } from '../../shared/errors.js';
import type { ChatMessage, Generation, LanguageModel, Usage } from '../../providers/llm/language-model.js';
import { NAME_MAX_LENGTH, nameFromText, normalizeName } from '../../shared/names.js';
import type { Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import type { InferenceGateway } from '../inference/inference.gateway.js';
import type { PromptsService } from '../prompts/prompts.service.js';
import type { RetrievalService, SearchResult } from '../retrieval/retrieval.service.js';
import { presentConversation, presentMessage } from './chat.presenter.js';
import type { ChatEvent, TurnInput } from './chat.types.js';
import { createChatKnowledge, markCited } from './chat-knowledge.js';
import { RAG_RULES, withDocuments } from './rag-context.js';
import {
  newMessageRow,
  type ConversationRepository,
  type ConversationRow,
  type MessageRow,
} from './conversation.repository.js';

export type { ChatEvent, TurnInput } from './chat.types.js';

const DEFAULT_TITLE = 'New chat';

/**
 * Conversations, their history, and streaming turns against the language model. Each method checks
 * the permission table first: sessions are their owner's (`own` cells: anyone else's is a 404).
 */
export function createChatService(dependencies: {
  conversations: ConversationRepository;
  prompts: PromptsService;
  model: LanguageModel;
  inference: InferenceGateway;
  policy: Pick<Policy, 'authorize'>;
  clock: () => Date;
  retrieval?: Pick<RetrievalService, 'search'>;
}) {
  const { conversations, prompts, model, inference, policy, clock } = dependencies;
  const knowledge = createChatKnowledge({ model, retrieval: dependencies.retrieval });
  const nowIso = () => clock().toISOString();

  /** A session after the table's check for the action; the query stays owner-scoped too. */
  const requireOwned = async (
    principal: Principal,
    action: 'chat.session.read' | 'chat.session.update' | 'chat.session.generate',
    id: string,
  ): Promise<ConversationRow> => {
    await policy.authorize(principal, action, { chatSessionId: id });
    const row = await conversations.findOwned(id, principal.user.id);
    if (!row) throw errors.notFound('Chat session');
    return row;
  };

  /** A new conversation row (not stored yet) with the system prompt it starts with. */
  const draftSession = async (
    principal: Principal,
    input: { title?: string; prompt_id?: string },
  ): Promise<ConversationRow> => {
    const prompt = await prompts.resolveForSession(input.prompt_id);
    const now = nowIso();
    return {
      id: crypto.randomUUID(),
      user_id: principal.user.id,
      title:
        input.title === undefined
          ? DEFAULT_TITLE
          : normalizeName(input.title, 'title', NAME_MAX_LENGTH.chatTitle),
      prompt_id: prompt?.id ?? null,
      system_prompt: prompt?.content ?? null,
      model: model.status().model?.id ?? null,
      status: 'ACTIVE',
      message_count: 0,
      rag_mode: 'off',
      rag_workspace_ids: null,
      temperature: null,
      max_tokens: null,
      active_message_id: null,
      created_at: now,
      updated_at: now,
    };
  };
  const createSession = async (principal: Principal, input: { title?: string; prompt_id?: string }) =>
    conversations.insert(await draftSession(principal, input));

  const history = (conversation: ConversationRow, rows: MessageRow[], rules?: string): ChatMessage[] => [
    ...(conversation.system_prompt || rules
      ? [
          {
            role: 'system' as const,
            content: [conversation.system_prompt, rules].filter(Boolean).join('\n\n'),
          },
        ]
      : []),
    ...rows
      .filter((row) => row.status !== 'error' && row.role !== 'system')
      .map((row) => ({ role: row.role, content: row.content })),
  ];

  /**
   * Admission (the user's rate and concurrency limits, 429), retrieval and a reserved generation for
   * one turn over the given earlier messages. The admission is held until the generation ends.
   */
  const beginTurn = async (
    principal: Principal,
    conversation: ConversationRow,
    earlier: MessageRow[],
    input: TurnInput,
    signal?: AbortSignal,
  ) => {
    const admitted = await inference.admit(principal.user.id);
    try {
      input.onAdmitted?.(admitted.quota);
      const { results: retrieved, events: ragEvents } = await knowledge.retrieve(principal, input, signal);
      const tool = knowledge.toolFor(principal, input, retrieved);
      const messages = [
        ...history(conversation, earlier, retrieved.length > 0 || tool ? RAG_RULES : undefined),
        { role: 'user' as const, content: withDocuments(input.message, retrieved) },
      ];
      const generation = await admitted.begin(
        { messages, options: input.options, cacheKey: conversation.id, ...(tool && { tools: [tool] }) },
        signal,
      );
      return { retrieved, ragEvents, generation };
    } catch (error) {
      admitted.release();
      throw error;
    }
  };

  /**
   * One turn. The model validates the prompt and reserves capacity before anything is stored or
   * yielded, so a busy model (503) or an over-long message (400) leaves no trace. Without a
   * conversation id, a new conversation is created once the turn can run.
   */
  async function* sendMessage(
    principal: Principal,
    conversationId: string | undefined,
    input: TurnInput,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    // A new conversation is `chat.generate`; continuing one is `chat.session.generate` on it.
    if (conversationId === undefined) await policy.authorize(principal, 'chat.generate');
    const existing =
      conversationId === undefined
        ? undefined
        : await requireOwned(principal, 'chat.session.generate', conversationId);
    const conversation = existing ?? (await draftSession(principal, {}));
    const rows = existing ? await conversations.messages(existing.id) : [];
    const { retrieved, ragEvents, generation } = await beginTurn(
      principal,
      conversation,
      rows,
      input,
      signal,
    );
    try {
      if (!existing) await conversations.insert(conversation);
      const userRow = await conversations.appendMessage(
        newMessageRow(conversation.id, 'user', input.message, nowIso()),
      );
      if (conversation.title === DEFAULT_TITLE && conversation.message_count === 0) {
        await conversations.update(conversation.id, principal.user.id, { title: titleFrom(input.message) });
      }
      yield { type: 'user-message', conversationId: conversation.id, message: presentMessage(userRow) };
      yield* ragEvents;
      yield* answer(conversation, generation, retrieved, signal);
    } finally {
      generation.release();
    }
  }

  /**
   * Answers the last user message again, replacing the answer(s) after it. Like a turn, nothing is
   * removed until the model has accepted the work.
   */
  async function* regenerate(
    principal: Principal,
    conversationId: string,
    input: Omit<TurnInput, 'message'>,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const conversation = await requireOwned(principal, 'chat.session.generate', conversationId);
    const rows = await conversations.messages(conversation.id);
    const lastUser = rows.findLastIndex((row) => row.role === 'user');
    const question = rows[lastUser];
    if (!question) throw errors.conflict('This conversation has no message to answer again');
    const turn = { ...input, message: question.content };
    const earlier = rows.slice(0, lastUser);
    const { retrieved, ragEvents, generation } = await beginTurn(
      principal,
      conversation,
      earlier,
      turn,
      signal,
    );
    try {
      await conversations.truncateAfter(conversation.id, question.seq, nowIso());
      yield* ragEvents;
      yield* answer(conversation, generation, retrieved, signal);
    } finally {
      generation.release();
    }
  }

  async function* answer(
    conversation: ConversationRow,
    generation: Generation,
    retrieved: readonly SearchResult[],
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const started = performance.now();
    const answer = { text: '', reasoning: '', firstTokenMs: undefined as number | undefined };
    let finish:
      { usage: Usage; status: MessageRow['status']; dropped: number; maxTokens?: number } | undefined;
    let failure: unknown;
    let stored: MessageRow | undefined;
    const searches: string[] = [];
    let reported = retrieved.length;
    try {
      for await (const part of generation.stream()) {
        if (part.type === 'finish') {
          const status = part.reason === 'abort' || signal?.aborted ? 'incomplete' : 'complete';
          finish = { usage: part.usage, status, dropped: part.droppedMessages, maxTokens: part.maxTokens };
          continue;
        }
        if (part.type === 'tool-call') {
          const query = (part.arguments as { query?: unknown }).query;
          searches.push(typeof query === 'string' ? query : '');
          yield { type: 'rag-search', query: searches.at(-1)!, status: 'searching' };
          continue;
        }
        if (part.type === 'tool-result') {
          yield {
            type: 'rag-search',
            query: searches.at(-1) ?? '',
            status: 'completed',
            resultsCount: retrieved.length - reported,
          };
          reported = retrieved.length;
          continue;
        }
        answer.firstTokenMs ??= performance.now() - started;
        if (part.type === 'text-delta') answer.text += part.text;
        else answer.reasoning += part.text;
        yield part;
      }
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      // Runs on normal end, on error, and when the client goes away (the consumer stops iterating),
      // so a partial answer is always stored, marked incomplete.
      stored = await conversations.appendMessage({
        ...newMessageRow(conversation.id, 'assistant', answer.text, nowIso()),
        reasoning: answer.reasoning || null,
        status: finish?.status ?? (failure ? 'error' : 'incomplete'),
        prompt_tokens: finish?.usage.promptTokens ?? null,
        completion_tokens: finish?.usage.completionTokens ?? null,
        latency_ms: Math.round(performance.now() - started),
        time_to_first_token_ms: answer.firstTokenMs === undefined ? null : Math.round(answer.firstTokenMs),
        model: model.status().model?.id ?? null,
        sources: retrieved.length > 0 ? JSON.stringify(markCited(retrieved, answer.text)) : null,
      });
    }
    if (finish) {
      const { dropped: droppedMessages, maxTokens } = finish;
      yield { type: 'done', message: presentMessage(stored), droppedMessages, maxTokens };
    }
  }

  return {
    /** Starts an empty session. */
    createSession: async (principal: Principal, input: { title?: string; prompt_id?: string }) => {
      await policy.authorize(principal, 'chat.session.create');
      return presentConversation(await createSession(principal, input));
    },
    /** One page of the caller's sessions. */
    listSessions: async (principal: Principal, page: { offset: number; limit: number }) => {
      await policy.authorize(principal, 'chat.session.list');
      const { rows, total } = await conversations.listForUser(principal.user.id, page);
      return { total, sessions: rows.map(presentConversation) };
    },
    /** One page of any user's sessions (admin view; titles and counts only). */
    listSessionsOf: async (principal: Principal, userId: string, page: { offset: number; limit: number }) => {
      await policy.authorize(principal, 'user.chats.read');
      const { rows, total } = await conversations.listForUser(userId, page);
      return { total, sessions: rows.map(presentConversation) };
    },
    /** A session with its messages. */
    getSession: async (principal: Principal, id: string) => {
      const conversation = await requireOwned(principal, 'chat.session.read', id);
      const rows = await conversations.messages(id);
      return { ...presentConversation(conversation), messages: rows.map(presentMessage) };
    },
    /** Renames a session or marks it completed. */
    updateSession: async (
      principal: Principal,
      id: string,
      changes: { title?: string; status?: 'ACTIVE' | 'COMPLETED' },
    ) => {
      await requireOwned(principal, 'chat.session.update', id);
      const title =
        changes.title === undefined
          ? undefined
          : normalizeName(changes.title, 'title', NAME_MAX_LENGTH.chatTitle);
      return presentConversation(
        (await conversations.update(id, principal.user.id, {
          ...(changes.status !== undefined && { status: changes.status }),
          ...(title !== undefined && { title }),
          updated_at: nowIso(),
        }))!,
      );
    },
    /** Deletes a session and its messages. */
    deleteSession: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'chat.session.delete', { chatSessionId: id });
      if (!(await conversations.delete(id, principal.user.id))) throw errors.notFound('Chat session');
    },
    sendMessage,
    regenerate,
  };
}

/** A title from the first question's first line, with hidden characters dropped (not refused: the user did not name it). */
function titleFrom(message: string): string {
  const line = nameFromText(message.trim().split(/\r?\n/)[0] ?? '');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line || DEFAULT_TITLE;
}

/** The chat service's shape. */
export type ChatService = ReturnType<typeof createChatService>;
