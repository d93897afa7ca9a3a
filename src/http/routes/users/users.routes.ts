import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authErrors, ErrorResponse, IdParams, PageQuery } from '../../../../contracts/common.contract.js';
import { ConversationSummary } from '../../../../contracts/chat.contract.js';
import {
  CreateUserBody,
  ResetPasswordBody,
  UpdateUserBody,
  User,
  UserWithChatCount,
} from '../../../../contracts/users.contract.js';
import type { Services } from '../../../services.js';

const tags = ['users'];

/** /api/v1/users: account administration (admins only). */
export const usersRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { users, chat } = services;

  app.get(
    '/',
    {
      config: { action: 'user.list' },
      schema: {
        summary: 'List users',
        tags,
        querystring: PageQuery,
        response: {
          200: Type.Object({ total: Type.Integer(), users: Type.Array(UserWithChatCount) }),
          ...authErrors,
        },
      },
    },
    async (request) =>
      users.list(request.principal, { offset: request.query.skip, limit: request.query.limit }),
  );

  app.post(
    '/',
    {
      config: { action: 'user.create' },
      schema: {
        summary: 'Create a user',
        tags,
        body: CreateUserBody,
        response: { 201: User, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await users.create(request.principal, request.body)),
  );

  app.get(
    '/:id',
    {
      config: { action: 'user.read' },
      schema: { summary: 'Get a user', tags, params: IdParams, response: { 200: User, ...authErrors } },
    },
    async (request) => users.get(request.principal, request.params.id),
  );

  app.patch(
    '/:id',
    {
      config: { action: 'user.update' },
      schema: {
        summary: 'Update a user',
        description:
          'Change the display name, role or whether the account is active. An admin cannot disable or demote themselves.',
        tags,
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: User, ...authErrors },
      },
    },
    async (request) => users.update(request.principal, request.params.id, request.body),
  );

  app.post(
    '/:id/reset-password',
    {
      config: { action: 'user.reset-password' },
      schema: {
        summary: "Reset a user's password",
        description:
          'Sets `password`, or a generated one answered once as `temporary_password`; the user must change it at the next login. Their sessions and API keys end.',
        tags,
        params: IdParams,
        body: ResetPasswordBody,
        response: { 200: Type.Object({ temporary_password: Type.Optional(Type.String()) }), ...authErrors },
      },
    },
    async (request) => users.resetPassword(request.principal, request.params.id, request.body.password),
  );

  app.get(
    '/:id/chats',
    {
      config: { action: 'user.chats.read' },
      schema: {
        summary: "List a user's chat sessions",
        tags,
        params: IdParams,
        querystring: PageQuery,
        response: {
          200: Type.Object({ total: Type.Integer(), sessions: Type.Array(ConversationSummary) }),
          ...authErrors,
        },
      },
    },
    async (request) => {
      await users.get(request.principal, request.params.id);
      return chat.listSessionsOf(request.principal, request.params.id, {
        offset: request.query.skip,
        limit: request.query.limit,
      });
    },
  );
};
