import { Type } from '@sinclair/typebox';
import { Name, NAME_MAX_LENGTH } from './names.contract.js';

const WorkspaceRole = Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('reader')]);

/** A workspace with the caller's role in it. */
export const Workspace = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
  member_count: Type.Integer(),
  my_role: Type.Union([WorkspaceRole, Type.Null()]),
  /** For a user's personal workspace (their upload default), that user's id; its name and members cannot change. */
  personal_owner_id: Type.Union([Type.String(), Type.Null()]),
  /** Flagged by migration 0007: a personal workspace whose name no longer matched its owner. */
  needs_review: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** Create a workspace. */
export const CreateWorkspaceBody = Type.Object({
  name: Name(NAME_MAX_LENGTH.workspace, 'Workspace name'),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
});

/** Rename, describe, archive or restore a workspace. */
export const UpdateWorkspaceBody = Type.Object(
  {
    name: Type.Optional(Name(NAME_MAX_LENGTH.workspace, 'Workspace name')),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
  },
  { minProperties: 1 },
);

/** A workspace member. */
export const WorkspaceMember = Type.Object({
  user_id: Type.String(),
  username: Type.String(),
  /** Shown to the workspace's owners and to admins only. */
  email: Type.Optional(Type.String()),
  role: WorkspaceRole,
  added_at: Type.String(),
});

/** Add a member or change their role. */
export const SetMemberBody = Type.Object({ role: WorkspaceRole });

/** Workspace and member ids. */
export const MemberParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
});
