import { sql, type RawBuilder } from 'kysely';

/** Who is searching: enough to decide, inside SQL, which documents they may read. */
export interface AccessScope {
  readonly userId: string;
  /** Global role admin: reads every document. */
  readonly isAdmin: boolean;
  /** Global role admin or manager: reads `managers` documents of workspaces they belong to. */
  readonly isManager: boolean;
}

/** Narrowing a search to some workspaces or documents (on top of permissions, never instead). */
export interface SearchFilters {
  readonly workspaceIds?: readonly string[];
  readonly documentIds?: readonly string[];
}

/**
 * SQL selecting the ids of documents the scope may read, narrowed by the filters: in a workspace
 * the user is a member of (admins: any), and allowed by the document's visibility — `workspace`
 * (every member), `managers` (managers, admins and workspace owners), `private` (the uploader).
 * For retrieval (`searchable`) also processed and in an active workspace. Used as
 * `document_id IN (…)` inside every query, so a forbidden document is never even a candidate.
 */
export function readableDocumentIds(
  scope: AccessScope,
  filters: SearchFilters = {},
  options: { searchable: boolean } = { searchable: true },
): RawBuilder<unknown> {
  const workspaceFilter =
    filters.workspaceIds && filters.workspaceIds.length > 0
      ? sql`AND d.workspace_id IN (${sql.join(filters.workspaceIds)})`
      : sql``;
  const documentFilter =
    filters.documentIds && filters.documentIds.length > 0
      ? sql`AND d.id IN (${sql.join(filters.documentIds)})`
      : sql``;
  const searchable = options.searchable
    ? sql`AND d.status = 'PROCESSED' AND EXISTS
        (SELECT 1 FROM workspaces w WHERE w.id = d.workspace_id AND w.status = 'active')`
    : sql``;
  return sql`SELECT d.id FROM documents d
    LEFT JOIN workspace_members m ON m.workspace_id = d.workspace_id AND m.user_id = ${scope.userId}
    WHERE ${mayRead(scope)} ${searchable} ${workspaceFilter} ${documentFilter}`;
}

/** The visibility rule over `documents d` left-joined to the user's membership `m`. */
function mayRead(scope: AccessScope): RawBuilder<unknown> {
  if (scope.isAdmin) return sql`1 = 1`;
  const manager = scope.isManager ? sql`1 = 1` : sql`m.role = 'owner'`;
  return sql`(m.user_id IS NOT NULL AND (
    d.visibility = 'workspace'
    OR d.uploaded_by = ${scope.userId}
    OR (d.visibility = 'managers' AND (${manager}))))`;
}
