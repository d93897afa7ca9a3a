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
      schema: { tags, body: ChatBody, response: { 200: ChatResponse, ...authErrors, ...busy } },
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
      schema: { tags, body: ChatBody, response: { ...authErrors, ...busy } },
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
      schema: { tags, body: CreateSessionBody, response: { 201: ConversationSummary, ...authErrors } },
    },
    async (request, reply) =>
      reply.status(201).send(await chat.createSession(request.principal, request.body)),
  );

  app.get(
    '/sessions/:id',
    {
      config: { action: 'chat.session.read' },
      schema: { tags, params: IdParams, response: { 200: Conversation, ...authErrors } },
    },
    async (request) => chat.getSession(request.principal, request.params.id),
  );

  app.patch(
    '/sessions/:id',
    {
      config: { action: 'chat.session.update' },
      schema: {
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
      schema: { tags, params: IdParams, response: { 204: Type.Null(), ...authErrors } },
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
      schema: { tags, params: IdParams, body: SendMessageBody, response: { ...authErrors, ...busy } },
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
        tags,
        params: IdParams,
        body: RegenerateBody,
        response: { ...authErrors, 409: ErrorResponse, ...busy },
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
