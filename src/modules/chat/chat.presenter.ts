import type { ConversationRow, MessageRow } from './conversation.repository.js';

/** A message as the API shows it. */
export function presentMessage(row: MessageRow) {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    reasoning: row.reasoning,
    status: row.status,
    model: row.model,
    created_at: row.created_at,
    latency_ms: row.latency_ms,
    time_to_first_token_ms: row.time_to_first_token_ms,
    usage:
      row.prompt_tokens === null && row.completion_tokens === null
        ? null
        : {
            prompt_tokens: row.prompt_tokens ?? 0,
            completion_tokens: row.completion_tokens ?? 0,
            total_tokens: (row.prompt_tokens ?? 0) + (row.completion_tokens ?? 0),
          },
    sources: row.sources ? (JSON.parse(row.sources) as unknown[]) : [],
  };
}

/** A presented message. */
export type PresentedMessage = ReturnType<typeof presentMessage>;

/** A conversation without its messages. */
export function presentConversation(row: ConversationRow) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    prompt_id: row.prompt_id,
    model: row.model,
    total_messages: row.message_count,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
