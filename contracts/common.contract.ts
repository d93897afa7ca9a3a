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

/** Offset pagination shared by list endpoints (seed 002 uses skip/limit). */
export const PageQuery = Type.Object({
  skip: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
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
