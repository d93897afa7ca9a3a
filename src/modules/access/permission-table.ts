import type { Role } from '../users/user.repository.js';

/**
 * One cell of the permission table: `allow`, `deny`, or conditions on the resource, any of which
 * admits the caller (`own or member:owner`):
 * - `own`: the caller created it (a document's uploader; sessions and API keys are owner-scoped queries)
 * - `member`, `member:editor`, `member:owner`: the caller's role in the resource's workspace is at least that
 * - `readable`: the document passes the visibility rule of retrieval/access-scope.ts
 */
export type Cell =
  'allow' | 'deny' | 'own' | 'member' | 'member:editor' | 'member:owner' | 'readable' | 'own or member:owner';

/** The roles, in the order the table's columns use. */
export const ROLES: readonly Role[] = ['admin', 'manager', 'user', 'viewer'];

type Row = Readonly<Record<Role, Cell>>;
const row = (admin: Cell, manager: Cell, user: Cell, viewer: Cell): Row => ({ admin, manager, user, viewer });
const everyone = row('allow', 'allow', 'allow', 'allow');
const writers = row('allow', 'allow', 'allow', 'deny');
const adminOnly = row('allow', 'deny', 'deny', 'deny');
const staff = row('allow', 'allow', 'deny', 'deny');

/**
 * Every action of the API and who may do it: rows are actions (`resource.verb`), columns are the
 * global roles. docs/permissions.md shows the same table; a test checks the running server against
 * that document, never against this object.
 */
export const PERMISSION_TABLE = {
  'account.read': everyone,
  'account.logout': everyone,
  'account.password': everyone,
  'apikey.list': everyone,
  'apikey.create': everyone,
  'apikey.revoke': row('own', 'own', 'own', 'own'),
  'user.list': adminOnly,
  'user.create': adminOnly,
  'user.read': adminOnly,
  'user.update': adminOnly,
  'user.reset-password': adminOnly,
  'user.chats.read': adminOnly,
  'chat.generate': writers,
  'chat.session.list': everyone,
  'chat.session.read': row('own', 'own', 'own', 'own'),
  'chat.session.create': writers,
  'chat.session.update': row('own', 'own', 'own', 'deny'),
  'chat.session.delete': row('own', 'own', 'own', 'deny'),
  'chat.session.generate': row('own', 'own', 'own', 'deny'),
  'prompt.read': everyone,
  'prompt.create': adminOnly,
  'prompt.update': adminOnly,
  'prompt.activate': adminOnly,
  'prompt.delete': adminOnly,
  'model.list': everyone,
  // A field, not a route: GET /models shows where a model was downloaded from to admins only.
  'model.source-url.read': adminOnly,
  'model.catalog.read': adminOnly,
  'model.register': adminOnly,
  'model.pull': adminOnly,
  'model.downloads.read': adminOnly,
  'model.load': adminOnly,
  'model.delete': adminOnly,
  'workspace.list': everyone,
  'workspace.create': staff,
  'workspace.read': row('allow', 'member', 'member', 'member'),
  'workspace.update': row('allow', 'member:owner', 'member:owner', 'deny'),
  'workspace.members.read': row('allow', 'member', 'member', 'member'),
  // A field, not a route: members' e-mail addresses, for the people who manage the membership.
  'workspace.members.email.read': row('allow', 'member:owner', 'member:owner', 'member:owner'),
  'workspace.members.manage': row('allow', 'member:owner', 'member:owner', 'deny'),
  'file.upload': row('allow', 'member:editor', 'member:editor', 'deny'),
  'file.list': everyone,
  'file.read': row('allow', 'readable', 'readable', 'readable'),
  'file.download': row('allow', 'readable', 'readable', 'readable'),
  'file.reprocess': row('allow', 'member:editor', 'member:editor', 'deny'),
  'file.delete': row('allow', 'own or member:owner', 'own or member:owner', 'deny'),
  'rag.search': everyone,
  'rag.health.read': everyone,
  'rag.config.read': everyone,
  'admin.stats.read': staff,
} as const satisfies Record<string, Row>;

/** An action a route or service method performs. */
export type Action = keyof typeof PERMISSION_TABLE;

/** Whether a string names an action of the table (routes declare theirs as strings). */
export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && Object.hasOwn(PERMISSION_TABLE, value);
}
