import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authErrors, ErrorResponse, IdParams } from '../../../../contracts/common.contract.js';
import { CreatePromptBody, Prompt, UpdatePromptBody } from '../../../../contracts/prompts.contract.js';
import type { Services } from '../../../services.js';

const tags = ['prompts'];

/** /api/v1/prompts: the system-prompt library; everyone reads, admins change, one is active. */
export const promptsRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { prompts } = services;

  app.get(
    '/',
    {
      config: { action: 'prompt.read' },
      schema: {
        summary: 'List system prompts',
        tags,
        response: { 200: Type.Object({ prompts: Type.Array(Prompt) }), ...authErrors },
      },
    },
    async (request) => ({
      prompts: await prompts.list(request.principal),
    }),
  );

  app.get(
    '/:id',
    {
      config: { action: 'prompt.read' },
      schema: {
        summary: 'Get a system prompt',
        tags,
        params: IdParams,
        response: { 200: Prompt, ...authErrors },
      },
    },
    async (request) => prompts.get(request.principal, request.params.id),
  );

  app.post(
    '/',
    {
      config: { action: 'prompt.create' },
      schema: {
        summary: 'Create a system prompt',
        tags,
        body: CreatePromptBody,
        response: { 201: Prompt, ...authErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await prompts.create(request.principal, request.body)),
  );

  app.patch(
    '/:id',
    {
      config: { action: 'prompt.update' },
      schema: {
        summary: 'Update a system prompt',
        tags,
        params: IdParams,
        body: UpdatePromptBody,
        response: { 200: Prompt, ...authErrors },
      },
    },
    async (request) => prompts.update(request.principal, request.params.id, request.body),
  );

  app.patch(
    '/:id/activate',
    {
      config: { action: 'prompt.activate' },
      schema: {
        summary: 'Make a system prompt the active one',
        description: 'New chat sessions use the active prompt; exactly one is active.',
        tags,
        params: IdParams,
        response: { 200: Prompt, ...authErrors },
      },
    },
    async (request) => prompts.activate(request.principal, request.params.id),
  );

  app.delete(
    '/:id',
    {
      config: { action: 'prompt.delete' },
      schema: {
        summary: 'Delete a system prompt',
        description: 'The active prompt cannot be deleted (409): activate another first.',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await prompts.remove(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
