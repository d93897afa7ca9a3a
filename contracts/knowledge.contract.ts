import { Type } from '@sinclair/typebox';
import { pageFields } from './common.contract.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/** Document lifecycle states (seed 002). */
export const DocumentStatus = Type.Union([
  Type.Literal('UPLOADED'),
  Type.Literal('PROCESSING'),
  Type.Literal('PROCESSED'),
  Type.Literal('FAILED'),
]);

/** Who may read a document inside its workspace. */
export const DocumentVisibility = Type.Union(
  [Type.Literal('workspace'), Type.Literal('managers'), Type.Literal('private')],
  {
    description:
      'workspace: every member; managers: managers, admins, workspace owners; private: the uploader',
  },
);

/** An uploaded document. `filename` is the generated stored name; `original_filename` the user's. */
export const FileInfo = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  filename: Type.String(),
  original_filename: Type.String(),
  file_size: Type.Integer(),
  mime_type: Type.String(),
  kind: Type.String(),
  sha256: Type.String(),
  visibility: DocumentVisibility,
  metadata: Type.Record(Type.String(), Type.Unknown()),
  status: DocumentStatus,
  error: Nullable(Type.String()),
  title: Nullable(Type.String()),
  page_count: NullableInt,
  chunk_count: Type.Integer(),
  embedding_model: Nullable(Type.String()),
  uploaded_by: Nullable(Type.String()),
  uploaded_at: Type.String(),
  processed_at: Nullable(Type.String()),
  updated_at: Type.String(),
  content: Type.Optional(Nullable(Type.String({ description: 'Extracted text (include_content=true)' }))),
});

/** Listing filters. */
export const FileListQuery = Type.Object({
  ...pageFields,
  status: Type.Optional(
    Type.String({
      pattern:
        '^([Uu][Pp][Ll][Oo][Aa][Dd][Ee][Dd]|[Pp][Rr][Oo][Cc][Ee][Ss][Ss][Ii][Nn][Gg]|[Pp][Rr][Oo][Cc][Ee][Ss][Ss][Ee][Dd]|[Ff][Aa][Ii][Ll][Ee][Dd])$',
      description: 'UPLOADED, PROCESSING, PROCESSED or FAILED (any case)',
    }),
  ),
  workspace_id: Type.Optional(Type.String({ maxLength: 64 })),
});

/** A page of documents. */
export const FileList = Type.Object({
  files: Type.Array(FileInfo),
  total: Type.Integer(),
  skip: Type.Integer(),
  limit: Type.Integer(),
});

/** The exact text of one chunk, for checking a citation. */
export const ChunkInfo = Type.Object({
  chunk_id: Type.String(),
  document_id: Type.String(),
  filename: Type.String(),
  chunk_index: Type.Integer(),
  content: Type.String(),
  heading: Nullable(Type.String()),
  page: NullableInt,
  page_end: NullableInt,
  span: Type.Object({ start: Type.Integer(), end: Type.Integer() }),
});

/** Search parameters (JSON body, or query string as in seeds 000 and 002). */
export const SearchInput = Type.Object({
  query: Type.String({ minLength: 1, maxLength: 4000 }),
  top_k: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  similarity_threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  mode: Type.Optional(Type.Union([Type.Literal('hybrid'), Type.Literal('keyword'), Type.Literal('vector')])),
  workspace_ids: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  document_ids: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
});

/** One search hit. */
export const SearchHit = Type.Object({
  chunk_id: Type.String(),
  content: Type.String(),
  document_id: Type.String(),
  workspace_id: Type.String(),
  filename: Type.String(),
  title: Nullable(Type.String()),
  page: NullableInt,
  page_end: NullableInt,
  chunk_index: Type.Integer(),
  span: Type.Object({ start: Type.Integer(), end: Type.Integer() }),
  metadata: Type.Object({
    heading: Nullable(Type.String()),
    section_type: Type.Optional(Type.String()),
  }),
  score: Type.Number(),
  similarity_score: NullableNumber,
  scores: Type.Object({ bm25: NullableNumber, vector: NullableNumber, fused: Type.Number() }),
});

/** Search results (seed 002's shape plus per-result scores). */
export const SearchResponse = Type.Object({
  query: Type.String(),
  results: Type.Array(SearchHit),
  count: Type.Integer(),
  top_k: Type.Integer(),
  threshold: Type.Number(),
  mode: Type.String(),
});

/** GET /rag/health. */
export const RagHealth = Type.Object({
  status: Type.String(),
  embeddings: Type.Object({ available: Type.Boolean(), model: Nullable(Type.String()) }),
  keyword: Type.Object({ available: Type.Boolean(), engine: Type.String() }),
  vector_store: Type.Object({
    available: Type.Boolean(),
    engine: Type.String(),
    total_vectors: Type.Integer(),
  }),
  pgvector: Type.Object({
    available: Type.Boolean(),
    total_chunks: Type.Integer(),
    total_documents: Type.Integer(),
    processed_documents: Type.Integer(),
  }),
  errors: Type.Array(Type.String()),
});

/** GET /rag/config. */
export const RagConfig = Type.Object({
  embeddings: Type.Object({
    provider: Nullable(Type.String()),
    model: Nullable(Type.String()),
    dimensions: NullableInt,
    available: Type.Boolean(),
  }),
  vector_database: Type.Object({
    system: Type.String(),
    similarity_metric: Type.String(),
    available: Type.Boolean(),
    indexed_model: Nullable(Type.String()),
    indexed_dimensions: NullableInt,
  }),
  keyword_search: Type.Object({ system: Type.String(), ranking: Type.String(), fusion: Type.String() }),
  documents: Type.Object({
    total: Type.Integer(),
    processed: Type.Integer(),
    pending: Type.Integer(),
    failed: Type.Integer(),
    total_chunks: Type.Integer(),
    total_vectors: Type.Integer(),
  }),
  chunking: Type.Object({ chunk_size_tokens: Type.Integer(), chunk_overlap_tokens: Type.Integer() }),
  search_settings: Type.Object({
    default_top_k: Type.Integer(),
    min_similarity_threshold: Type.Number(),
    max_results: Type.Integer(),
  }),
  uploads: Type.Object({
    max_upload_mb: Type.Integer({ description: 'MAX_UPLOAD_MB' }),
    max_pdf_pages: Type.Integer({ description: 'MAX_PDF_PAGES' }),
    accepted_extensions: Type.Array(Type.String(), { description: 'Without the dot, e.g. "pdf"' }),
  }),
});

/**
 * The multipart form of an upload, for the API reference only: the route streams the parts itself
 * (the file straight to disk), so Fastify never validates a body against this.
 */
export const UploadForm = Type.Object({
  file: Type.String({
    format: 'binary',
    description: 'The document (types and size limit: GET /rag/config)',
  }),
  workspace_id: Type.Optional(Type.String({ description: 'Default: your personal workspace' })),
  visibility: Type.Optional(DocumentVisibility),
  metadata: Type.Optional(Type.String({ description: 'A JSON object, stored with the document' })),
});
