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
      config: { action: 'workspace.list' },
      schema: {
        summary: 'List your workspaces',
        tags,
        response: { 200: Type.Object({ workspaces: Type.Array(Workspace) }), ...authErrors },
      },
    },
    async (request) => ({
      workspaces: await workspaces.list(request.principal),
    }),
  );

  app.post(
    '/',
    {
      config: { action: 'workspace.create' },
      schema: {
        summary: 'Create a workspace',
        description: 'The creator becomes its owner.',
        tags,
        body: CreateWorkspaceBody,
        response: { 201: Workspace, ...authErrors, ...conflict },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await workspaces.create(request.principal, request.body)),
  );

  app.get(
    '/:id',
    {
      config: { action: 'workspace.read' },
      schema: {
        summary: 'Get a workspace',
        tags,
        params: IdParams,
        response: { 200: Workspace, ...authErrors },
      },
    },
    async (request) => workspaces.get(request.principal, request.params.id),
  );

  app.patch(
    '/:id',
    {
      config: { action: 'workspace.update' },
      schema: {
        summary: 'Rename, describe or archive a workspace',
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
    {
      config: { action: 'workspace.members.read' },
      schema: {
        summary: "List a workspace's members",
        description: "`email` is shown to the workspace's owners and admins only.",
        tags,
        params: IdParams,
        response: { 200: Members, ...authErrors },
      },
    },
    async (request) => ({
      members: await workspaces.members(request.principal, request.params.id),
    }),
  );

  app.put(
    '/:id/members/:userId',
    {
      config: { action: 'workspace.members.manage' },
      schema: {
        summary: 'Add a member or change their role',
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
    {
      config: { action: 'workspace.members.manage' },
      schema: {
        summary: 'Remove a member',
        tags,
        params: MemberParams,
        response: { 204: Type.Null(), ...authErrors, ...conflict },
      },
    },
    async (request, reply) => {
      await workspaces.removeMember(request.principal, request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
