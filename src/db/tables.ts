/**
 * Table types. Portable choices: ids are UUID text, timestamps ISO-8601 text (UTC, sortable),
 * flags are integers 0/1, JSON is text. The same rows work on SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  username: string;
  display_name: string | null;
  password_hash: string;
  role: 'admin' | 'manager' | 'user' | 'viewer';
  disabled: number;
  must_change_password: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

/** A login session: one refresh-token family, rotated on every refresh. */
export interface AuthSessionsTable {
  id: string;
  user_id: string;
  refresh_hash: string;
  previous_refresh_hash: string | null;
  created_at: string;
  expires_at: string;
  last_used_at: string;
  revoked_at: string | null;
  user_agent: string | null;
  ip: string | null;
}

/** A refresh token a session has rotated away from; presenting it again ends the session. */
export interface AuthRefreshHistoryTable {
  session_id: string;
  token_hash: string;
  superseded_at: string;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface PromptsTable {
  id: string;
  name: string;
  content: string;
  description: string | null;
  is_active: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConversationsTable {
  id: string;
  user_id: string;
  title: string;
  prompt_id: string | null;
  system_prompt: string | null;
  model: string | null;
  status: 'ACTIVE' | 'COMPLETED';
  message_count: number;
  /** Knowledge setting (RagMode). */
  rag_mode: 'off' | 'auto' | 'always';
  /** JSON array of workspace ids the Knowledge setting searches, or null for all readable ones. */
  rag_workspace_ids: string | null;
  /** Advanced settings; null means the server's default. */
  temperature: number | null;
  max_tokens: number | null;
  /** Last message of the branch the user sees; the model's history is the path to it. */
  active_message_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  role: 'system' | 'user' | 'assistant';
  content: string;
  reasoning: string | null;
  status: 'complete' | 'incomplete' | 'error';
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number | null;
  time_to_first_token_ms: number | null;
  model: string | null;
  sources: string | null;
  /** The message before this one on its branch; null for a conversation's first message. */
  parent_id: string | null;
  /** How an answer ended: 'stop' | 'length' | 'abort' | 'error'; null for questions and old rows. */
  finish_reason: string | null;
  created_at: string;
}

export interface MessageFeedbackTable {
  id: string;
  message_id: string;
  user_id: string;
  rating: 'up' | 'down';
  comment: string | null;
  created_at: string;
  updated_at: string;
}

export interface ModelsTable {
  id: string;
  name: string;
  file_path: string;
  source_url: string | null;
  sha256: string | null;
  size_bytes: number | null;
  kind: 'chat' | 'embedding';
  is_active: number;
  created_at: string;
}

/** A model download started over the API. */
export interface ModelDownloadsTable {
  id: string;
  name: string;
  url: string;
  file_name: string;
  expected_sha256: string | null;
  status: 'downloading' | 'completed' | 'failed';
  bytes_done: number;
  bytes_total: number | null;
  error: string | null;
  model_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** When an administrator dismissed the finished download; the list leaves it out from then on. */
  dismissed_at: string | null;
  /** The catalogue id the pull was started by (a retry resolves it again); null for a pull by URL. */
  catalog_id: string | null;
}

/** A workspace (department): the unit documents and retrieval permissions belong to. */
export interface WorkspacesTable {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'archived';
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** The user whose personal workspace this is (the upload default); null for shared workspaces. */
  personal_owner_id: string | null;
  /** 1 when migration 0007 found a personal workspace whose name no longer matched its owner. */
  needs_review: Generated<number>;
}

/** A user's role in a workspace. */
export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  role: 'owner' | 'editor' | 'reader';
  added_at: string;
}

/** A background job; claimed with a lease so a crashed worker's jobs run again. */
export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  dedupe_key: string | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_after: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Who may read a document inside its workspace. */
export type DocumentVisibility = 'workspace' | 'managers' | 'private';
/** Where a document is in its lifecycle. */
export type DocumentStatus = 'UPLOADED' | 'PROCESSING' | 'PROCESSED' | 'FAILED';

/** An uploaded file of the knowledge base. */
export interface DocumentsTable {
  id: string;
  workspace_id: string;
  uploaded_by: string | null;
  original_filename: string;
  stored_name: string;
  kind: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  visibility: DocumentVisibility;
  /** JSON: category, department, tags and other labels from the uploader. */
  metadata: string;
  status: DocumentStatus;
  error: string | null;
  title: string | null;
  /** The extracted text; chunk spans are offsets into it. */
  content: string | null;
  page_count: number | null;
  chunk_count: number;
  embedding_model: string | null;
  uploaded_at: string;
  processed_at: string | null;
  updated_at: string;
}

/** One retrievable piece of a document: an exact span of its extracted text. */
export interface DocumentChunksTable {
  seq: Generated<number>;
  id: string;
  document_id: string;
  chunk_index: number;
  content: string;
  heading: string | null;
  page: number | null;
  page_end: number | null;
  span_start: number;
  span_end: number;
  token_count: number;
  metadata: string;
}

/** Float32 embedding of a chunk (little-endian blob). */
export interface ChunkVectorsTable {
  chunk_seq: number;
  embedding: Buffer;
}

/** Sign bits of a chunk's embedding, for the fast first pass of vector search. */
export interface ChunkVectorBitsTable {
  chunk_seq: number;
  document_id: string;
  bits: Buffer;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

/** The whole database, as Kysely sees it. */
export interface Database {
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  auth_refresh_history: AuthRefreshHistoryTable;
  api_keys: ApiKeysTable;
  prompts: PromptsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_feedback: MessageFeedbackTable;
  models: ModelsTable;
  model_downloads: ModelDownloadsTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  jobs: JobsTable;
  documents: DocumentsTable;
  document_chunks: DocumentChunksTable;
  chunk_vectors: ChunkVectorsTable;
  chunk_vector_bits: ChunkVectorBitsTable;
  settings: SettingsTable;
}
