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
  is_active: Type.Boolean(),
  loaded: Type.Boolean(),
  present: Type.Boolean(),
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
