import { Type } from '@sinclair/typebox';

/** A registered model. */
export const RegisteredModel = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('chat'), Type.Literal('embedding')]),
  file_path: Type.String(),
  source_url: Type.Union([Type.String(), Type.Null()]),
  sha256: Type.Union([Type.String(), Type.Null()]),
  size_bytes: Type.Union([Type.Integer(), Type.Null()]),
  is_active: Type.Boolean({
    description:
      'Loads at start: MODEL_PATH’s file while MODEL_PATH is set, else the registry’s active model',
  }),
  loaded: Type.Boolean({ description: 'The engine holds this file now' }),
  present: Type.Boolean({ description: 'The file exists on the server' }),
  source: Type.Union([Type.Literal('config'), Type.Literal('registry')], {
    description:
      'config: the file MODEL_PATH names (id `config` unless also registered); it cannot be removed here. ' +
      'registry: registered by a pull, POST /models or the CLI',
  }),
  created_at: Type.String(),
});

/** Register an existing GGUF file. */
export const RegisterModelBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+$' }),
  file_path: Type.String({ minLength: 1, maxLength: 4096 }),
  kind: Type.Optional(Type.Union([Type.Literal('chat'), Type.Literal('embedding')])),
});

/** The engine's state. */
export const EngineState = Type.Object({
  loaded: Type.Boolean(),
  model: Type.Union([
    Type.Object({
      id: Type.String(),
      file_path: Type.Union([Type.String(), Type.Null()]),
      architecture: Type.Union([Type.String(), Type.Null()]),
      context_size: Type.Integer(),
      parallel_sequences: Type.Integer(),
      size_bytes: Type.Union([Type.Integer(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  active_sequences: Type.Integer(),
  queued_requests: Type.Integer(),
});

/** Start a pull by catalogue name or URL. */
export const PullModelBody = Type.Object({
  name_or_url: Type.String({ minLength: 1, maxLength: 2048 }),
  sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
});

/** Why a failed download stopped (DOWNLOAD_INTERRUPTED: the server stopped under it; retry resumes). */
export const DownloadFailureCode = Type.Union([
  Type.Literal('DOWNLOAD_FAILED'),
  Type.Literal('DOWNLOAD_INTERRUPTED'),
  Type.Literal('MODEL_PULL_BLOCKED'),
  Type.Literal('MODEL_TOO_LARGE'),
  Type.Literal('NOT_A_GGUF'),
  Type.Literal('INTEGRITY_ERROR'),
  Type.Literal('VALIDATION_ERROR'),
]);

/** A model download and its progress. */
export const ModelDownload = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  status: Type.Union([Type.Literal('downloading'), Type.Literal('completed'), Type.Literal('failed')]),
  bytes_done: Type.Integer(),
  bytes_total: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  error_code: Type.Union([DownloadFailureCode, Type.Null()], {
    description: 'Why a failed download stopped, for clients to translate; null unless failed',
  }),
  model_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
  dismissed_at: Type.Union([Type.String(), Type.Null()], {
    description: 'When an administrator dismissed it; dismissed downloads are left out of the list',
  }),
});

/** A model of the catalogue (the same list as `privatestack models catalog`): built in, or the organisation's. */
export const CatalogModel = Type.Object({
  name: Type.String(),
  description: Type.String(),
  kind: Type.Union([Type.Literal('chat'), Type.Literal('embedding')]),
  repository: Type.String(),
  file_name: Type.String(),
  url: Type.String(),
  quantization: Type.String(),
  size_bytes: Type.Integer(),
  size_approximate: Type.Boolean(),
  context_length: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Context length the model was trained for; null when the catalogue entry does not state it',
  }),
  ram_estimate_mib: Type.Integer(),
  licence: Type.Union([Type.String(), Type.Null()], {
    description: 'Licence of the weights; null when the catalogue entry does not state it',
  }),
  reasoning: Type.Boolean(),
  sha256: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.Literal('builtin'), Type.Literal('organisation')], {
    description:
      "'builtin': shipped with PrivateStack (clients may translate its description by name); " +
      "'organisation': from MODEL_CATALOG_FILE, replacing or adding to the built-in ones (show its text as written)",
  }),
});

/** The chat model the engine holds, with its load (null when no model is configured). */
export const LoadedModel = Type.Union([
  Type.Object({
    id: Type.String(),
    loaded: Type.Boolean(),
    architecture: Type.Union([Type.String(), Type.Null()]),
    context_size: Type.Integer(),
    parallel_sequences: Type.Integer(),
    active_sequences: Type.Integer(),
    queued_requests: Type.Integer(),
  }),
  Type.Null(),
]);
