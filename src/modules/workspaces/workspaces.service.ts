import { errors } from '../../shared/errors.js';
import { NAME_MAX_LENGTH, normalizeName } from '../../shared/names.js';
import type { Principal } from '../auth/auth.service.js';
import type { UserRepository } from '../users/user.repository.js';
import type { WorkspaceRepository, WorkspaceRole, WorkspaceRow } from './workspace.repository.js';

/** A workspace as the API shows it, with the caller's role in it (null for an admin who is not a member). */
export function presentWorkspace(
  row: WorkspaceRow & { member_count: number | null },
  role: WorkspaceRole | null,
) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    member_count: Number(row.member_count ?? 0),
    my_role: role,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * Workspaces (departments): admins and managers create them; owners (and admins) manage them and
 * their members; members see them. Anyone else gets 404, never the workspace.
 */
export function createWorkspacesService(dependencies: {
  workspaces: WorkspaceRepository;
  users: UserRepository;
  clock: () => Date;
}) {
  const { workspaces, users, clock } = dependencies;
  const nowIso = () => clock().toISOString();
  const isAdmin = (principal: Principal) => principal.user.role === 'admin';

  /** Loads a workspace the caller may see, with their role; 404 otherwise. */
  const visible = async (principal: Principal, id: string) => {
    const row = await workspaces.findById(id);
    const role = row ? ((await workspaces.roleOf(id, principal.user.id)) ?? null) : null;
    if (!row || (!role && !isAdmin(principal))) throw errors.notFound('Workspace');
    return { row, role };
  };
  /** Like visible, but the caller must own it (or be an admin). */
  const managed = async (principal: Principal, id: string) => {
    const found = await visible(principal, id);
    if (found.role !== 'owner' && !isAdmin(principal))
      throw errors.forbidden('Only the workspace owners can do this');
    return found;
  };
  const checkNameFree = async (name: string, exceptId?: string) => {
    const existing = await workspaces.findByName(name);
    if (existing && existing.id !== exceptId)
      throw errors.conflict(`A workspace named "${name}" already exists`);
  };

  return {
    /** Creates a workspace; the creator becomes its owner. */
    create: async (principal: Principal, input: { name: string; description?: string | null }) => {
      if (!['admin', 'manager'].includes(principal.user.role))
        throw errors.forbidden('Only admins and managers create workspaces');
      const name = normalizeName(input.name, 'name', NAME_MAX_LENGTH.workspace);
      await checkNameFree(name);
      const now = nowIso();
      const row = {
        id: crypto.randomUUID(),
        name,
        description: input.description ?? null,
        status: 'active' as const,
        created_by: principal.user.id,
        created_at: now,
        updated_at: now,
      };
      await workspaces.insertWithOwner(row, principal.user.id);
      return presentWorkspace({ ...row, member_count: 1 }, 'owner');
    },
    /** The workspaces the caller belongs to; admins see all. */
    list: async (principal: Principal) => {
      if (isAdmin(principal)) {
        const mine = new Map(
          (await workspaces.listForMember(principal.user.id)).map((row) => [row.id, row.my_role]),
        );
        return (await workspaces.listAll()).map((row) => presentWorkspace(row, mine.get(row.id) ?? null));
      }
      return (await workspaces.listForMember(principal.user.id)).map((row) =>
        presentWorkspace(row, row.my_role),
      );
    },
    /** One workspace. */
    get: async (principal: Principal, id: string) => {
      const { row, role } = await visible(principal, id);
      return presentWorkspace(row, role);
    },
    /** Renames, re-describes, archives or restores a workspace. */
    update: async (
      principal: Principal,
      id: string,
      changes: { name?: string; description?: string | null; status?: 'active' | 'archived' },
    ) => {
      const { role } = await managed(principal, id);
      const name =
        changes.name === undefined
          ? undefined
          : normalizeName(changes.name, 'name', NAME_MAX_LENGTH.workspace);
      if (name !== undefined) await checkNameFree(name, id);
      await workspaces.update(id, { ...changes, ...(name !== undefined && { name }), updated_at: nowIso() });
      return presentWorkspace((await workspaces.findById(id))!, role);
    },
    /** Members of a workspace the caller may see. */
    members: async (principal: Principal, id: string) => {
      await visible(principal, id);
      return workspaces.members(id);
    },
    /** Adds a member or changes a member's role. */
    setMember: async (principal: Principal, id: string, userId: string, role: WorkspaceRole) => {
      await managed(principal, id);
      const user = await users.findById(userId);
      if (!user) throw errors.notFound('User');
      const current = await workspaces.roleOf(id, userId);
      if (current === 'owner' && role !== 'owner' && (await workspaces.ownerCount(id)) === 1) {
        throw errors.conflict('A workspace needs at least one owner');
      }
      await workspaces.upsertMember(id, userId, role, nowIso());
      return workspaces.members(id);
    },
    /** Removes a member; the last owner cannot be removed. */
    removeMember: async (principal: Principal, id: string, userId: string) => {
      await managed(principal, id);
      const current = await workspaces.roleOf(id, userId);
      if (!current) throw errors.notFound('Member');
      if (current === 'owner' && (await workspaces.ownerCount(id)) === 1)
        throw errors.conflict('A workspace needs at least one owner');
      await workspaces.removeMember(id, userId);
    },
  };
}

/** The workspaces service's shape. */
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
