import { AppError, errors } from '../../shared/errors.js';
import { nameFromText } from '../../shared/names.js';
import type { DocumentStatus, DocumentVisibility } from '../../db/tables.js';
import type { Principal } from '../auth/auth.service.js';
import type { JobRepository } from '../jobs/job.repository.js';
import type { Action } from '../access/permission-table.js';
import { scopeOf, type Policy } from '../access/policy.js';
import type { RetrievalIndex } from '../retrieval/sqlite-retrieval-index.js';
import type { WorkspaceRepository, WorkspaceRow } from '../workspaces/workspace.repository.js';
import type { DocumentRepository, DocumentSummary } from './document.repository.js';
import { detectDocumentKind } from './extraction/file-type.js';
import type { FileStore, ReceivedFile } from './file-store.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';

/** The job kind that extracts, chunks, embeds and indexes one document. */
export const INGEST_JOB = 'ingest-document';
/** The job kind that (re-)embeds one processed document's chunks. */
export const EMBED_JOB = 'embed-document';

/** Labels a seed-000 client sends with an upload. */
export interface UploadMetadata {
  readonly category?: string;
  readonly department?: string;
  readonly tags?: readonly string[];
  readonly [key: string]: unknown;
}

/** Where and how an upload is filed. */
export interface UploadOptions {
  readonly workspaceId?: string;
  readonly visibility?: DocumentVisibility;
  readonly metadata?: UploadMetadata;
}

/** The access scope of a principal, for SQL permission filters (defined beside the policy). */
export { scopeOf };

/** A document as the API shows it. */
export function presentDocument(row: DocumentSummary) {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    filename: row.stored_name,
    original_filename: row.original_filename,
    file_size: row.size_bytes,
    mime_type: row.mime_type,
    kind: row.kind,
    sha256: row.sha256,
    visibility: row.visibility,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    status: row.status,
    error: row.error,
    title: row.title,
    page_count: row.page_count,
    chunk_count: row.chunk_count,
    embedding_model: row.embedding_model,
    uploaded_by: row.uploaded_by,
    uploaded_at: row.uploaded_at,
    processed_at: row.processed_at,
    updated_at: row.updated_at,
  };
}

/**
 * Documents of the knowledge base: accepting uploads into a workspace, listing, reading,
 * downloading, deleting and re-processing. Reads go through the same SQL visibility rule as search,
 * so another workspace's document is a 404, exactly like one that does not exist.
 */
export function createDocumentsService(dependencies: {
  db: Kysely<Database>;
  documents: DocumentRepository;
  workspaces: WorkspaceRepository;
  index: RetrievalIndex;
  jobs: JobRepository;
  files: FileStore;
  policy: Policy;
  clock: () => Date;
  /** Told when ingestion work was queued, so a worker in this process starts at once. */
  onQueued?: () => void;
}) {
  const { db, documents, workspaces, index, jobs, files, policy, clock } = dependencies;
  const nowIso = () => clock().toISOString();

  const queueIngestion = async (documentId: string) => {
    const key = `${INGEST_JOB}:${documentId}`;
    await jobs.forgetFinished(key);
    await jobs.enqueue(
      { kind: INGEST_JOB, payload: { documentId }, dedupeKey: key, maxAttempts: 3 },
      clock(),
    );
    dependencies.onQueued?.();
  };

  /**
   * The workspace an upload goes to: the one named (the table's `file.upload` cell: owners and
   * editors, admins) or the caller's own personal one, found by their id and never by a name.
   */
  const targetWorkspace = async (
    principal: Principal,
    workspaceId: string | undefined,
  ): Promise<WorkspaceRow> => {
    if (workspaceId === undefined) {
      await policy.authorize(principal, 'file.upload');
      return personalWorkspace(principal);
    }
    await policy.authorize(principal, 'file.upload', { workspaceId });
    const row = await workspaces.findById(workspaceId);
    if (!row) throw errors.notFound('Workspace');
    if (row.status !== 'active') throw errors.conflict('The workspace is archived');
    return row;
  };

  const personalWorkspace = async (principal: Principal): Promise<WorkspaceRow> => {
    const existing = await workspaces.findPersonal(principal.user.id);
    if (existing) {
      if (existing.status !== 'active') throw errors.conflict('Your personal workspace is archived');
      return existing;
    }
    const now = nowIso();
    const row: WorkspaceRow = {
      id: crypto.randomUUID(),
      name: `${principal.user.username} (personal)`,
      description: 'Your own documents: only you (and administrators) can read them.',
      status: 'active',
      created_by: principal.user.id,
      created_at: now,
      updated_at: now,
      personal_owner_id: principal.user.id,
      needs_review: 0,
    };
    try {
      return await workspaces.insertWithOwner(row, principal.user.id);
    } catch (error) {
      // Two first uploads at once: the other one created it (personal_owner_id is unique).
      const created = await workspaces.findPersonal(principal.user.id);
      if (created) return created;
      throw error;
    }
  };

  /** A document after the table's check for the action (404 when the caller may not read it). */
  const readable = async (principal: Principal, action: Action, id: string, withContent = false) => {
    await policy.authorize(principal, action, { documentId: id });
    const row = await documents.findReadable(scopeOf(principal), id, withContent);
    if (!row) throw errors.notFound('File');
    return row;
  };

  return {
    /**
     * Accepts a received upload: checks the type (extension and content must agree), files it under
     * a generated name and queues its ingestion. The temporary file is removed on any refusal.
     */
    accept: async (
      principal: Principal,
      received: ReceivedFile,
      originalName: string,
      options: UploadOptions,
    ) => {
      try {
        // The table first, so a refused caller learns nothing about the file (targetWorkspace checks again).
        const { workspaceId } = options;
        await policy.authorize(
          principal,
          'file.upload',
          workspaceId === undefined ? undefined : { workspaceId },
        );
        if (received.size === 0) throw new AppError('FILE_EMPTY', 'The file is empty');
        const type = detectDocumentKind(originalName, received.head);
        const workspace = await targetWorkspace(principal, options.workspaceId);
        const id = crypto.randomUUID();
        const storedName = `${id}.${type.extension}`;
        await files.commit(received, storedName);
        const now = nowIso();
        const row = {
          id,
          workspace_id: workspace.id,
          uploaded_by: principal.user.id,
          original_filename: safeDisplayName(originalName),
          stored_name: storedName,
          kind: type.kind,
          mime_type: type.mimeType,
          size_bytes: received.size,
          sha256: received.sha256,
          visibility: options.visibility ?? 'workspace',
          metadata: JSON.stringify(options.metadata ?? {}),
          status: 'UPLOADED' as const,
          error: null,
          title: null,
          content: null,
          page_count: null,
          chunk_count: 0,
          embedding_model: null,
          uploaded_at: now,
          processed_at: null,
          updated_at: now,
        };
        await documents.insert(row);
        await queueIngestion(id);
        return presentDocument(row);
      } catch (error) {
        await files.discard(received);
        throw error;
      }
    },
    /**
     * Refuses early (before the file is streamed) when the caller may not add documents to the named
     * workspace; the same check runs again in accept().
     */
    checkCanUpload: async (principal: Principal, workspaceId: string) => {
      await targetWorkspace(principal, workspaceId);
    },
    /** One page of the documents the caller may read. */
    list: async (
      principal: Principal,
      filter: { status?: DocumentStatus; workspaceId?: string; offset: number; limit: number },
    ) => {
      await policy.authorize(principal, 'file.list');
      const { rows, total } = await documents.listReadable(scopeOf(principal), filter);
      return { total, files: rows.map(presentDocument) };
    },
    /** A document, optionally with its extracted text. */
    get: async (principal: Principal, id: string, withContent: boolean) => {
      const row = await readable(principal, 'file.read', id, withContent);
      return { ...presentDocument(row), ...(withContent && { content: row.content ?? null }) };
    },
    /** What a download needs: where the file is and the name to offer. */
    download: async (principal: Principal, id: string) => {
      const row = await readable(principal, 'file.download', id);
      return {
        path: files.pathOf(row.stored_name),
        filename: row.original_filename,
        mimeType: row.mime_type,
      };
    },
    /** Deletes a document with its chunks and vectors: its uploader, workspace owners and admins may. */
    delete: async (principal: Principal, id: string) => {
      const row = await readable(principal, 'file.delete', id);
      await db.transaction().execute(async (trx) => {
        await index.deleteChunks(trx, id);
        await documents.delete(trx, id);
      });
      await files.remove(row.stored_name);
    },
    /** Extracts and indexes a document again (after a failure, or a change of chunking). */
    reprocess: async (principal: Principal, id: string) => {
      const row = await readable(principal, 'file.reprocess', id);
      if (row.status === 'PROCESSING' || row.status === 'UPLOADED')
        throw errors.conflict('The file is already being processed');
      await documents.setStatus(id, 'UPLOADED', null, nowIso());
      await queueIngestion(id);
      return presentDocument({ ...row, status: 'UPLOADED', error: null });
    },
    /** One chunk of a readable document: the exact text a citation points to. */
    chunk: async (principal: Principal, documentId: string, chunkId: string) => {
      const row = await readable(principal, 'file.read', documentId);
      const chunk = await index.chunkById(documentId, chunkId);
      if (!chunk) throw errors.notFound('Chunk');
      return {
        chunk_id: chunk.id,
        document_id: row.id,
        filename: row.original_filename,
        chunk_index: chunk.chunk_index,
        content: chunk.content,
        heading: chunk.heading,
        page: chunk.page,
        page_end: chunk.page_end,
        span: { start: chunk.span_start, end: chunk.span_end },
      };
    },
    /** Queues ingestion for documents left unfinished (a crash between upload and queueing). */
    resumeUnfinished: async () => {
      for (const id of await documents.unfinishedIds()) await queueIngestion(id);
    },
  };
}

/** A user-supplied file name made safe to store and show: base name only, no control characters. */
export function safeDisplayName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control, bidi-override and other invisible characters would disguise the name (…\u202Egpj.txt).
  const clean = nameFromText(base);
  return (clean || 'file').slice(0, 255);
}

/** The documents service's shape. */
export type DocumentsService = ReturnType<typeof createDocumentsService>;
