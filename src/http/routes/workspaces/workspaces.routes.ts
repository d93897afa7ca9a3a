import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authErrors, ErrorResponse, IdParams } from '../../../../contracts/common.contract.js';
import {
  CreateWorkspaceBody,
  MemberParams,
  SetMemberBody,
  UpdateWorkspaceBody,
  Workspace,
  WorkspaceMember,
} from '../../../../contracts/workspaces.contract.js';
import type { Services } from '../../../services.js';

const tags = ['workspaces'];
const Members = Type.Object({ members: Type.Array(WorkspaceMember) });
const conflict = { 409: ErrorResponse };

/** /api/v1/workspaces: departments whose members share documents. */
export const workspacesRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  const { workspaces } = services;

  app.get(
    '/',
    {
      schema: { tags, response: { 200: Type.Object({ workspaces: Type.Array(Workspace) }), ...authErrors } },
    },
    async (request) => ({
      workspaces: await workspaces.list(request.principal),
    }),
  );

  app.post(
    '/',
    { schema: { tags, body: CreateWorkspaceBody, response: { 201: Workspace, ...authErrors, ...conflict } } },
    async (request, reply) =>
      reply.status(201).send(await workspaces.create(request.principal, request.body)),
  );

  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: Workspace, ...authErrors } } },
    async (request) => workspaces.get(request.principal, request.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: UpdateWorkspaceBody,
        response: { 200: Workspace, ...authErrors, ...conflict },
      },
    },
    async (request) => workspaces.update(request.principal, request.params.id, request.body),
  );

  app.get(
    '/:id/members',
    { schema: { tags, params: IdParams, response: { 200: Members, ...authErrors } } },
    async (request) => ({
      members: await workspaces.members(request.principal, request.params.id),
    }),
  );

  app.put(
    '/:id/members/:userId',
    {
      schema: {
        tags,
        params: MemberParams,
        body: SetMemberBody,
        response: { 200: Members, ...authErrors, ...conflict },
      },
    },
    async (request) => ({
      members: await workspaces.setMember(
        request.principal,
        request.params.id,
        request.params.userId,
        request.body.role,
      ),
    }),
  );

  app.delete(
    '/:id/members/:userId',
    { schema: { tags, params: MemberParams, response: { 204: Type.Null(), ...authErrors, ...conflict } } },
    async (request, reply) => {
      await workspaces.removeMember(request.principal, request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
