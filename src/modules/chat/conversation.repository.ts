import type { Kysely, Selectable } from 'kysely';
import type { ConversationsTable, Database, MessagesTable } from '../../db/tables.js';

/** A stored conversation. */
export type ConversationRow = Selectable<ConversationsTable>;
/** A stored message. */
export type MessageRow = Selectable<MessagesTable>;
/** A message to append; its sequence number is assigned by the repository. */
export type NewMessage = Omit<MessageRow, 'seq'>;

/** Typed SQL for conversations and their messages. Every read is scoped by owner. */
export function createConversationRepository(db: Kysely<Database>) {
  return {
    /** Inserts a conversation. */
    insert: async (row: ConversationRow) => {
      await db.insertInto('conversations').values(row).execute();
      return row;
    },

    /** A conversation if it belongs to `userId`. */
    findOwned: (id: string, userId: string) =>
      db
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst(),

    /** One page of a user's conversations, most recently active first. */
    listForUser: async (userId: string, page: { offset: number; limit: number }) => {
      const [rows, total] = await Promise.all([
        db
          .selectFrom('conversations')
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy('updated_at', 'desc')
          .orderBy('id')
          .offset(page.offset)
          .limit(page.limit)
          .execute(),
        db
          .selectFrom('conversations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(total.n) };
    },

    /** Updates title or status of an owned conversation. */
    update: (
      id: string,
      userId: string,
      changes: Partial<Pick<ConversationRow, 'title' | 'status' | 'updated_at'>>,
    ) =>
      db
        .updateTable('conversations')
        .set(changes)
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst(),

    /** Deletes an owned conversation and its messages; false when absent. */
    delete: async (id: string, userId: string) =>
      Number(
        (
          await db
            .deleteFrom('conversations')
            .where('id', '=', id)
            .where('user_id', '=', userId)
            .executeTakeFirst()
        ).numDeletedRows,
      ) === 1,

    /** Messages of a conversation in order. */
    messages: (conversationId: string) =>
      db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .orderBy('seq')
        .execute(),

    /**
     * Appends a message, numbering it atomically and touching the conversation. Without a
     * `parent_id` it follows the active branch's last message; it becomes the active message.
     */
    appendMessage: (message: NewMessage) =>
      db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('conversations')
          .select('active_message_id')
          .where('id', '=', message.conversation_id)
          .executeTakeFirstOrThrow();
        const counted = await trx
          .updateTable('conversations')
          .set((eb) => ({
            message_count: eb('message_count', '+', 1),
            updated_at: message.created_at,
            active_message_id: message.id,
          }))
          .where('id', '=', message.conversation_id)
          .returning('message_count')
          .executeTakeFirstOrThrow();
        const row = {
          ...message,
          parent_id: message.parent_id ?? before.active_message_id,
          seq: counted.message_count,
        };
        await trx.insertInto('messages').values(row).execute();
        return row;
      }),

    /** Removes every message after `seq` (a regenerated answer) and rewinds the numbering to it. */
    truncateAfter: (conversationId: string, seq: number, now: string) =>
      db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('messages')
          .where('conversation_id', '=', conversationId)
          .where('seq', '>', seq)
          .execute();
        const last = await trx
          .selectFrom('messages')
          .select('id')
          .where('conversation_id', '=', conversationId)
          .where('seq', '=', seq)
          .executeTakeFirst();
        await trx
          .updateTable('conversations')
          .set({ message_count: seq, updated_at: now, active_message_id: last?.id ?? null })
          .where('id', '=', conversationId)
          .execute();
      }),
  };
}

/** A new message row: complete, with nothing measured yet (answers fill in tokens, latency, sources). */
export function newMessageRow(
  conversationId: string,
  role: 'user' | 'assistant',
  content: string,
  createdAt: string,
): NewMessage {
  return {
    id: crypto.randomUUID(),
    conversation_id: conversationId,
    role,
    content,
    reasoning: null,
    status: 'complete',
    prompt_tokens: null,
    completion_tokens: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    model: null,
    sources: null,
    parent_id: null,
    finish_reason: null,
    created_at: createdAt,
  };
}

/** The conversation repository's shape. */
export type ConversationRepository = ReturnType<typeof createConversationRepository>;
