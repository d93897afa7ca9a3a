import { sql, type Kysely } from 'kysely';
import type { Database, WorkspaceMembersTable } from '../../db/tables.js';
import { readableDocumentIds, type AccessScope } from '../retrieval/access-scope.js';

/** What the policy needs to know about a workspace and the caller. */
export interface WorkspaceFacts {
  /** The workspace's id. */
  readonly id: string;
  /** The caller's role in it; undefined when not a member. */
  readonly role: WorkspaceMembersTable['role'] | undefined;
  /** The user whose personal workspace this is, or null. */
  readonly personalOwnerId: string | null;
}

/** What the policy needs to know about a document and the caller. */
export interface DocumentFacts {
  /** The document's workspace and the caller's role there. */
  readonly workspace: WorkspaceFacts;
  /** Who uploaded it. */
  readonly uploadedBy: string | null;
}

/** The lookups behind authorize(): memberships, and document readability through access-scope. */
export function createAccessRepository(db: Kysely<Database>) {
  const workspace = async (workspaceId: string, userId: string): Promise<WorkspaceFacts | undefined> => {
    const row = await db
      .selectFrom('workspaces')
      .leftJoin('workspace_members as m', (join) =>
        join.onRef('m.workspace_id', '=', 'workspaces.id').on('m.user_id', '=', userId),
      )
      .select(['workspaces.id', 'workspaces.personal_owner_id', 'm.role'])
      .where('workspaces.id', '=', workspaceId)
      .executeTakeFirst();
    return row && { id: row.id, role: row.role ?? undefined, personalOwnerId: row.personal_owner_id };
  };
  return {
    /** A workspace with the caller's role in it; undefined when it does not exist. */
    workspace,
    /**
     * A document the scope may read (the same SQL rule as search, so the two cannot disagree);
     * undefined when it does not exist or may not be read.
     */
    readableDocument: async (documentId: string, scope: AccessScope): Promise<DocumentFacts | undefined> => {
      const row = await db
        .selectFrom('documents')
        .select(['workspace_id', 'uploaded_by'])
        .where('id', '=', documentId)
        .where(
          'id',
          'in',
          sql<string>`(${readableDocumentIds(scope, { documentIds: [documentId] }, { searchable: false })})`,
        )
        .executeTakeFirst();
      if (!row) return undefined;
      const facts = await workspace(row.workspace_id, scope.userId);
      return facts && { workspace: facts, uploadedBy: row.uploaded_by };
    },
    /** The user a chat session belongs to; undefined when it does not exist. */
    chatSessionOwner: async (sessionId: string): Promise<string | undefined> =>
      (await db.selectFrom('conversations').select('user_id').where('id', '=', sessionId).executeTakeFirst())
        ?.user_id,
    /** The user an API key belongs to; undefined when it does not exist. */
    apiKeyOwner: async (keyId: string): Promise<string | undefined> =>
      (await db.selectFrom('api_keys').select('user_id').where('id', '=', keyId).executeTakeFirst())?.user_id,
  };
}

/** The access repository's shape. */
export type AccessRepository = ReturnType<typeof createAccessRepository>;
