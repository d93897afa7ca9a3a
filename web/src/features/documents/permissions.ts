// Who may do what on this screen, mirroring the server's rules (the server checks again and answers
// 403/404; these only keep buttons from promising what would be refused).
import type { FileInfo, User, Workspace } from '../../api/types';

/** Viewers read; every other role may upload (at least to their personal workspace). */
export function canUpload(user: User): boolean {
  return user.role !== 'viewer';
}

/** Active workspaces the user may add documents to: owners and editors, and admins everywhere. */
export function writableWorkspaces(workspaces: readonly Workspace[], user: User): Workspace[] {
  return workspaces.filter(
    (workspace) =>
      workspace.status === 'active' &&
      (user.role === 'admin' || workspace.my_role === 'owner' || workspace.my_role === 'editor'),
  );
}

/** The user's own personal workspace, known by its owner's id (a name can be copied by anyone). */
export function isOwnPersonalWorkspace(workspace: Workspace, user: User): boolean {
  return workspace.personal_owner_id === user.id;
}

/** Only admins and managers may create workspaces. */
export function canCreateWorkspace(user: User): boolean {
  return user.role === 'admin' || user.role === 'manager';
}

type Roles = ReadonlyMap<string, Workspace['my_role']>;

/** Owners, editors and admins may re-process. */
export function canReprocess(file: FileInfo, roles: Roles, user: User): boolean {
  const role = roles.get(file.workspace_id);
  return user.role === 'admin' || role === 'owner' || role === 'editor';
}

/** The uploader, workspace owners and admins may delete. */
export function canDelete(file: FileInfo, roles: Roles, user: User): boolean {
  return user.role === 'admin' || roles.get(file.workspace_id) === 'owner' || file.uploaded_by === user.id;
}
