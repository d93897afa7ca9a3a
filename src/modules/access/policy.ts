import { errors } from '../../shared/errors.js';
import type { Principal } from '../auth/auth.service.js';
import type { AccessScope } from '../retrieval/access-scope.js';
import type { AccessRepository, DocumentFacts, WorkspaceFacts } from './access.repository.js';
import { PERMISSION_TABLE, type Action, type Cell } from './permission-table.js';

/**
 * What an action is done to, by id (none for role-only actions): a workspace, a document, or an
 * object that belongs to one user (a chat session, an API key).
 */
export type Resource =
  | { readonly workspaceId: string }
  | { readonly documentId: string }
  | { readonly chatSessionId: string }
  | { readonly apiKeyId: string };

/** What authorize() found out, so the service need not load it again. */
export interface Authorized {
  /** The workspace acted on (a document's own workspace for document actions). */
  readonly workspace?: WorkspaceFacts;
  /** The document acted on. */
  readonly document?: DocumentFacts;
  /** The user a chat session or API key belongs to. */
  readonly ownerId?: string;
}

const RANK = { reader: 1, editor: 2, owner: 3 } as const;

/** The access scope of a principal: the SQL side of the same table (retrieval/access-scope.ts). */
export function scopeOf(principal: Principal): AccessScope {
  const role = principal.user.role;
  return {
    userId: principal.user.id,
    isAdmin: role === 'admin',
    isManager: role === 'admin' || role === 'manager',
  };
}

/** The table's cell for a principal and an action. */
export function cellFor(principal: Principal, action: Action): Cell {
  return PERMISSION_TABLE[action][principal.user.role];
}

/**
 * The role part alone, for the HTTP hook before any lookup: a `deny` cell answers 403 at once;
 * anything else may be attempted and is decided on the resource by authorize().
 */
export function assertRoleMay(principal: Principal, action: Action): void {
  if (cellFor(principal, action) === 'deny') throw errors.forbidden();
}

/** Whether the principal passes a resource-free check (`allow`), e.g. to show a field. */
export function mayAlways(principal: Principal, action: Action): boolean {
  return cellFor(principal, action) === 'allow';
}

/** Whether one condition holds for the caller and what was found. */
function holds(condition: string, principal: Principal, found: Authorized): boolean {
  const role = found.workspace?.role;
  switch (condition) {
    case 'own':
      return (found.ownerId ?? found.document?.uploadedBy) === principal.user.id;
    case 'readable':
      return found.document !== undefined;
    case 'member':
      return role !== undefined;
    case 'member:editor':
      return role !== undefined && RANK[role] >= RANK.editor;
    case 'member:owner':
      return role === 'owner';
    default:
      return false;
  }
}

/**
 * The one permission check (Immich's requireAccess): the first line of every service method that
 * acts on a resource. A resource the caller may not see answers 404 exactly like a missing one; a
 * visible one they may not act on answers 403.
 */
export function createPolicy(dependencies: { access: AccessRepository }) {
  const { access } = dependencies;

  /** A user's own object: someone else's is invisible (404) unless the cell admits everyone's. */
  const loadOwned = async (principal: Principal, resource: Resource, cell: Cell): Promise<Authorized> => {
    const session = 'chatSessionId' in resource;
    const ownerId = session
      ? await access.chatSessionOwner(resource.chatSessionId)
      : 'apiKeyId' in resource
        ? await access.apiKeyOwner(resource.apiKeyId)
        : undefined;
    if (ownerId === undefined || (ownerId !== principal.user.id && cell !== 'allow'))
      throw errors.notFound(session ? 'Chat session' : 'API key');
    return { ownerId };
  };

  const load = async (principal: Principal, action: Action, resource: Resource): Promise<Authorized> => {
    if ('chatSessionId' in resource || 'apiKeyId' in resource)
      return loadOwned(principal, resource, cellFor(principal, action));
    if ('documentId' in resource) {
      const document = await access.readableDocument(resource.documentId, scopeOf(principal));
      if (!document) throw errors.notFound('File');
      return { document, workspace: document.workspace };
    }
    const workspace = await access.workspace(resource.workspaceId, principal.user.id);
    if (!workspace || (workspace.role === undefined && principal.user.role !== 'admin'))
      throw errors.notFound('Workspace');
    return { workspace };
  };

  return {
    /** Throws FORBIDDEN or NOT_FOUND unless the principal may do the action on the resource. */
    authorize: async (principal: Principal, action: Action, resource?: Resource): Promise<Authorized> => {
      assertRoleMay(principal, action);
      const found = resource ? await load(principal, action, resource) : {};
      const cell = cellFor(principal, action);
      if (cell === 'allow' || !resource) return found;
      if (cell.split(' or ').some((condition) => holds(condition, principal, found))) return found;
      throw errors.forbidden();
    },
    /** Whether a condition-bearing field rule (e.g. members' e-mails) admits the principal here. */
    permits: (principal: Principal, action: Action, found: Authorized): boolean => {
      const cell = cellFor(principal, action);
      if (cell === 'allow' || cell === 'deny') return cell === 'allow';
      return cell.split(' or ').some((condition) => holds(condition, principal, found));
    },
  };
}

/** The policy's shape. */
export type Policy = ReturnType<typeof createPolicy>;
