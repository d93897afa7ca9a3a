import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import {
  RegenerateBody,
  ChatBody,
  ChatResponse,
  Conversation,
  ConversationSummary,
  CreateSessionBody,
  SendMessageBody,
  UpdateSessionBody,
} from '../../../../contracts/chat.contract.js';
import { authErrors, ErrorResponse, IdParams, PageQuery } from '../../../../contracts/common.contract.js';
import { ChatEventStream } from '../../../../contracts/responses.contract.js';
import type { Principal } from '../../../modules/auth/auth.service.js';
import type { ChatEvent } from '../../../modules/chat/chat.service.js';
import type { Services } from '../../../services.js';
import { AppError, type RateLimitState } from '../../../shared/errors.js';
import { rateLimitHeaders } from '../../plugins/errors.plugin.js';
import { abortOnDisconnect, sendSse } from '../../sse.js';
import { toGenerationOptions, toRagInput, toSseEvents, withContext } from './chat.mapping.js';

const tags = ['chat'];
const busy = { 503: ErrorResponse, 429: ErrorResponse };

/** /api/v1/chat: one-shot chat, SSE chat, and sessions with streamed messages. */
export const chatRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { chat } = services;

  /** Sends the user's request quota as RateLimit-* headers (set before the stream's headers go out). */
  const quotaHeaders = (reply: FastifyReply) => (quota: RateLimitState) => {
    void reply.headers(rateLimitHeaders(quota));
  };

  /** The one-shot endpoints continue a conversation, or start one once the turn can run. */
  const oneShot = (
    principal: Principal,
    body: typeof ChatBody.static,
    reply: FastifyReply,
    signal: AbortSignal,
  ) =>
    chat.sendMessage(
      principal,
      body.conversation_id,
      {
        message: withContext(body.message, body.context),
        options: toGenerationOptions(body),
        rag: toRagInput(body, services.config.retrieval.defaultMode),
        onAdmitted: quotaHeaders(reply),
      },
      signal,
    );

  app.post(
    '/',
    {
      config: { action: 'chat.generate' },
      schema: {
        summary: 'Chat: send a message, get the whole answer',
        description:
          'Starts a conversation, or continues `conversation_id`, and answers when the model has finished (JSON). For the answer as it is written, use `POST /chat/stream`. Generating requests are rate-limited per user (429 with `Retry-After` and RateLimit-* headers); 503 when no model is loaded or every slot and the queue are busy.',
        tags,
        body: ChatBody,
        response: { 200: ChatResponse, ...authErrors, ...busy },
      },
    },
    async (request, reply) => {
      const controller = new AbortController();
      abortOnDisconnect(reply, controller);
      let conversationId = '';
      let done: Extract<ChatEvent, { type: 'done' }> | undefined;
      for await (const event of oneShot(request.principal, request.body, reply, controller.signal)) {
        if (event.type === 'user-message') conversationId = event.conversationId;
        if (event.type === 'done') done = event;
      }
      if (!done) throw new AppError('MODEL_ERROR', 'Generation ended without an answer', { retryable: true });
      const message = done.message;
      return {
        conversation_id: conversationId,
        message_id: message.id,
        response: message.content,
        reasoning: message.reasoning,
        status: message.status,
        model: message.model,
        usage: message.usage,
        latency_ms: message.latency_ms,
        sources: message.sources,
      };
    },
  );

  app.post(
    '/stream',
    {
      config: { action: 'chat.generate' },
      schema: {
        summary: 'Stream a chat answer (SSE)',
        description:
          'Like `POST /chat`, but the answer streams as Server-Sent Events (below). Rate limits and 503 as for `POST /chat`; they answer before the stream starts, with a status and the JSON error body. The WebSocket alternative is described under the chat group.',
        tags,
        body: ChatBody,
        response: { 200: ChatEventStream, ...authErrors, ...busy },
      },
    },
    async (request, reply) => {
      const controller = new AbortController();
      const events = oneShot(request.principal, request.body, reply, controller.signal);
      await sendSse(request, reply, controller, toSseEvents(events));
    },
  );

  app.get(
    '/sessions',
    {
      config: { action: 'chat.session.list' },
      schema: {
        summary: 'List your chat sessions',
        tags,
        querystring: PageQuery,
        response: {
          200: Type.Object({ total: Type.Integer(), sessions: Type.Array(ConversationSummary) }),
          ...authErrors,
        },
      },
    },
    async (request) =>
      chat.listSessions(request.principal, { offset: request.query.skip, limit: request.query.limit }),
  );

  app.post(
    '/sessions',
    {
      config: { action: 'chat.session.create' },
      schema: {
        summary: 'Create a chat session',
        description: 'Without `prompt_id` the session uses the active system prompt.',
        tags,
        body: CreateSessionBody,
        response: { 201: ConversationSummary, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await chat.createSession(request.principal, request.body)),
  );

  app.get(
    '/sessions/:id',
    {
      config: { action: 'chat.session.read' },
      schema: {
        summary: 'Get a chat session with its messages',
        tags,
        params: IdParams,
        response: { 200: Conversation, ...authErrors },
      },
    },
    async (request) => chat.getSession(request.principal, request.params.id),
  );

  app.patch(
    '/sessions/:id',
    {
      config: { action: 'chat.session.update' },
      schema: {
        summary: 'Rename or complete a chat session',
        tags,
        params: IdParams,
        body: UpdateSessionBody,
        response: { 200: ConversationSummary, ...authErrors },
      },
    },
    async (request) => chat.updateSession(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/sessions/:id',
    {
      config: { action: 'chat.session.delete' },
      schema: {
        summary: 'Delete a chat session',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await chat.deleteSession(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/sessions/:id/messages',
    {
      config: { action: 'chat.session.generate' },
      schema: {
        summary: 'Send a message in a session and stream the answer (SSE)',
        description:
          'The answer streams as Server-Sent Events (below). Rate-limited per user (429 with `Retry-After`); 503 when no model is loaded or the model is busy.',
        tags,
        params: IdParams,
        body: SendMessageBody,
        response: { 200: ChatEventStream, ...authErrors, ...busy },
      },
    },
    async (request, reply) => {
      const controller = new AbortController();
      const input = {
        message: request.body.message,
        options: toGenerationOptions(request.body),
        rag: toRagInput(request.body, services.config.retrieval.defaultMode),
        onAdmitted: quotaHeaders(reply),
      };
      const events = chat.sendMessage(request.principal, request.params.id, input, controller.signal);
      await sendSse(request, reply, controller, toSseEvents(events));
    },
  );

  app.post(
    '/sessions/:id/regenerate',
    {
      config: { action: 'chat.session.generate' },
      schema: {
        summary: 'Answer the last message again (SSE)',
        description:
          "Replaces the session's last answer with a new one, streamed as Server-Sent Events (below); 409 when there is no answered message to redo. Rate limits and 503 as for sending a message.",
        tags,
        params: IdParams,
        body: RegenerateBody,
        response: { 200: ChatEventStream, ...authErrors, 409: ErrorResponse, ...busy },
      },
    },
    async (request, reply) => {
      const controller = new AbortController();
      const input = {
        options: toGenerationOptions(request.body),
        rag: toRagInput(request.body, services.config.retrieval.defaultMode),
        onAdmitted: quotaHeaders(reply),
      };
      const events = chat.regenerate(request.principal, request.params.id, input, controller.signal);
      await sendSse(request, reply, controller, toSseEvents(events));
    },
  );
};
