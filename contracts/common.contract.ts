import { Type, type Static } from '@sinclair/typebox';

/** The error body of every /api route: a stable upper-case code and a human message. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable upper-case code, e.g. VALIDATION_ERROR' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse' },
);

/** Largest `skip` a list accepts: far past any real list, far below SQLite's 64-bit OFFSET. */
export const MAX_SKIP = 1_000_000;
/** Largest page a list returns. */
export const MAX_LIMIT = 100;

/** Offset pagination fields, bounded so a huge or fractional number is a 400, never a database error. */
export const pageFields = {
  skip: Type.Integer({ minimum: 0, maximum: MAX_SKIP, default: 0, description: `0 to ${MAX_SKIP}` }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 20, description: `1 to ${MAX_LIMIT}` }),
};

/** Offset pagination shared by list endpoints (seed 002 uses skip/limit). */
export const PageQuery = Type.Object(pageFields);
/** Offset pagination values. */
export type PageQuery = Static<typeof PageQuery>;

/** A UUID path parameter. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Standard error responses for authenticated routes. */
export const authErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
};
