import { AppError, errors } from '../../shared/errors.js';
import { NAME_MAX_LENGTH, normalizeName } from '../../shared/names.js';
import type { Policy } from '../access/policy.js';
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
    personal_owner_id: row.personal_owner_id,
    needs_review: row.needs_review === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * Workspaces (departments): admins and managers create them; owners (and admins) manage them and
 * their members; members see them. Anyone else gets 404, never the workspace. Every rule is a row
 * of the permission table (modules/access), checked first in each method. A personal workspace
 * (the upload default) belongs to its user by id: it keeps its name, and its membership is fixed.
 */
export function createWorkspacesService(dependencies: {
  workspaces: WorkspaceRepository;
  users: UserRepository;
  policy: Policy;
  clock: () => Date;
}) {
  const { workspaces, users, policy, clock } = dependencies;
  const nowIso = () => clock().toISOString();
  const isAdmin = (principal: Principal) => principal.user.role === 'admin';

  const load = async (id: string) => {
    const row = await workspaces.findById(id);
    if (!row) throw errors.notFound('Workspace');
    return row;
  };
  const checkNameFree = async (name: string, exceptId?: string) => {
    const existing = await workspaces.findSharedByName(name);
    if (existing && existing.id !== exceptId)
      throw errors.conflict(`A workspace named "${name}" already exists`);
  };
  const refusePersonal = (row: WorkspaceRow, what: string) => {
    if (row.personal_owner_id !== null)
      throw new AppError('PERSONAL_WORKSPACE', `A personal workspace ${what}`, { status: 409 });
  };
  /**
   * A personal workspace keeps its name. The one exception repairs what migration 0007 flagged: an
   * admin may reset it to its owner's own "<username> (personal)", which clears the flag.
   */
  const checkRename = async (principal: Principal, row: WorkspaceRow, name: string) => {
    if (row.personal_owner_id === null) return checkNameFree(name, row.id);
    const owner = await users.findById(row.personal_owner_id);
    if (isAdmin(principal) && owner && name === `${owner.username} (personal)`) return;
    refusePersonal(row, 'cannot be renamed');
  };

  return {
    /** Creates a workspace; the creator becomes its owner. */
    create: async (principal: Principal, input: { name: string; description?: string | null }) => {
      await policy.authorize(principal, 'workspace.create');
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
        personal_owner_id: null,
        needs_review: 0,
      };
      await workspaces.insertWithOwner(row, principal.user.id);
      return presentWorkspace({ ...row, member_count: 1 }, 'owner');
    },
    /** The workspaces the caller belongs to; admins see all. */
    list: async (principal: Principal) => {
      await policy.authorize(principal, 'workspace.list');
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
      const { workspace } = await policy.authorize(principal, 'workspace.read', { workspaceId: id });
      return presentWorkspace(await load(id), workspace?.role ?? null);
    },
    /** Renames, re-describes, archives or restores a workspace; a personal one keeps its name. */
    update: async (
      principal: Principal,
      id: string,
      changes: { name?: string; description?: string | null; status?: 'active' | 'archived' },
    ) => {
      const { workspace } = await policy.authorize(principal, 'workspace.update', { workspaceId: id });
      const row = await load(id);
      const name =
        changes.name === undefined
          ? undefined
          : normalizeName(changes.name, 'name', NAME_MAX_LENGTH.workspace);
      const renamed = name !== undefined && name !== row.name;
      if (renamed) await checkRename(principal, row, name);
      // Only the fields a caller may change reach SQL, never the request's other keys.
      await workspaces.update(id, {
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.status !== undefined && { status: changes.status }),
        ...(name !== undefined && { name }),
        ...(renamed && row.personal_owner_id !== null && { needs_review: 0 }),
        updated_at: nowIso(),
      });
      return presentWorkspace((await workspaces.findById(id))!, workspace?.role ?? null);
    },
    /** Members of a workspace the caller may see; e-mail addresses only for owners and admins. */
    members: async (principal: Principal, id: string) => {
      const found = await policy.authorize(principal, 'workspace.members.read', { workspaceId: id });
      const members = await workspaces.members(id);
      if (policy.permits(principal, 'workspace.members.email.read', found)) return members;
      return members.map(({ email: _email, ...member }) => member);
    },
    /** Adds a member or changes a member's role; a personal workspace's membership is fixed. */
    setMember: async (principal: Principal, id: string, userId: string, role: WorkspaceRole) => {
      await policy.authorize(principal, 'workspace.members.manage', { workspaceId: id });
      refusePersonal(await load(id), 'belongs to its user alone: share documents through a shared workspace');
      const user = await users.findById(userId);
      if (!user) throw errors.notFound('User');
      const current = await workspaces.roleOf(id, userId);
      if (current === 'owner' && role !== 'owner' && (await workspaces.ownerCount(id)) === 1) {
        throw errors.conflict('A workspace needs at least one owner');
      }
      await workspaces.upsertMember(id, userId, role, nowIso());
      return workspaces.members(id);
    },
    /**
     * Removes a member; the last owner cannot be removed, nor a personal workspace's own user (others
     * can: removing access repairs what a takeover before migration 0007 added).
     */
    removeMember: async (principal: Principal, id: string, userId: string) => {
      await policy.authorize(principal, 'workspace.members.manage', { workspaceId: id });
      const current = await workspaces.roleOf(id, userId);
      if (!current) throw errors.notFound('Member');
      const row = await load(id);
      if (row.personal_owner_id === userId) refusePersonal(row, 'always keeps its own user');
      if (current === 'owner' && (await workspaces.ownerCount(id)) === 1)
        throw errors.conflict('A workspace needs at least one owner');
      await workspaces.removeMember(id, userId);
    },
  };
}

/** The workspaces service's shape. */
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
