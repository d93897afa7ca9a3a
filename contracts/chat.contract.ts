import { Type } from '@sinclair/typebox';
import { Name, NAME_MAX_LENGTH } from './names.contract.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/** Token counts of one answer. */
export const Usage = Type.Object({
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
});

/** A stored message. `status` is `incomplete` when the client left mid-answer, `error` when generation failed. */
export const Message = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  reasoning: Nullable(Type.String()),
  status: Type.Union([Type.Literal('complete'), Type.Literal('incomplete'), Type.Literal('error')]),
  model: Nullable(Type.String()),
  created_at: Type.String(),
  latency_ms: Type.Union([Type.Integer(), Type.Null()]),
  time_to_first_token_ms: Type.Union([Type.Integer(), Type.Null()]),
  usage: Type.Union([Usage, Type.Null()]),
  sources: Type.Array(Type.Unknown()),
});

/** A chat session without its messages. */
export const ConversationSummary = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('COMPLETED')]),
  prompt_id: Nullable(Type.String()),
  model: Nullable(Type.String()),
  total_messages: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** A chat session with its messages. */
export const Conversation = Type.Intersect([
  ConversationSummary,
  Type.Object({ messages: Type.Array(Message) }),
]);

/** Create a session; without prompt_id it uses the active system prompt. */
export const CreateSessionBody = Type.Object({
  title: Type.Optional(Name(NAME_MAX_LENGTH.chatTitle, 'Title (omit for the default)')),
  prompt_id: Type.Optional(Type.String({ maxLength: 64 })),
});

/** Rename or complete a session. */
export const UpdateSessionBody = Type.Object(
  {
    title: Type.Optional(Name(NAME_MAX_LENGTH.chatTitle, 'Title')),
    status: Type.Optional(Type.Union([Type.Literal('ACTIVE'), Type.Literal('COMPLETED')])),
  },
  { minProperties: 1 },
);

/** Per-request generation settings (names as llama.cpp server and vLLM accept them). */
export const GenerationSettings = {
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  top_k: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 131_072 })),
  stop: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 8 })),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295 })),
  ignore_eos: Type.Optional(Type.Boolean()),
};

/** Knowledge-base use per request: `rag_mode` wins; `use_rag` (seed 000) true means `always`. */
export const KnowledgeSettings = {
  use_rag: Type.Optional(Type.Boolean()),
  rag_mode: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('always'), Type.Literal('off')])),
  workspace_ids: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
};

/** Send one message in a session. */
export const SendMessageBody = Type.Object({
  message: Type.String({ minLength: 1, maxLength: 200_000 }),
  ...GenerationSettings,
  ...KnowledgeSettings,
});

/** Answer the last message again (replaces the answer after it). */
export const RegenerateBody = Type.Object({ ...GenerationSettings, ...KnowledgeSettings });

/** One-shot chat (seed 000's request shape). */
export const ChatBody = Type.Object({
  message: Type.String({ minLength: 1, maxLength: 200_000 }),
  conversation_id: Type.Optional(Type.String({ maxLength: 64 })),
  context: Type.Optional(Type.String({ maxLength: 100_000 })),
  ...GenerationSettings,
  ...KnowledgeSettings,
});

/** One-shot chat answer. */
export const ChatResponse = Type.Object({
  conversation_id: Type.String(),
  message_id: Type.String(),
  response: Type.String(),
  reasoning: Nullable(Type.String()),
  status: Message.properties.status,
  model: Nullable(Type.String()),
  usage: Type.Union([Usage, Type.Null()]),
  latency_ms: Type.Union([Type.Integer(), Type.Null()]),
  sources: Type.Array(Type.Unknown()),
});
