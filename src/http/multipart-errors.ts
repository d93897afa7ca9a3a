import { AppError } from '../shared/errors.js';

/** Where busboy (the multipart parser under @fastify/multipart) lives; its errors carry no code. */
const BUSBOY_FRAME = /[\\/]@fastify[\\/]busboy[\\/]/;

/**
 * Whether an error was raised by the multipart parser itself: a missing, empty or oversized boundary,
 * a body cut off before its closing boundary, a part ending early. Busboy throws plain `Error`s with
 * no code, so the parser's own stack frame is the one mark the whole class shares; errors with a
 * code (ours, Fastify's `FST_*`, the file system's `E*`) are never taken for a client mistake here.
 */
export function isMultipartParserError(error: unknown): error is Error {
  if (!(error instanceof Error) || error instanceof AppError) return false;
  if (typeof (error as { code?: unknown }).code === 'string') return false;
  return BUSBOY_FRAME.test(error.stack ?? '');
}

/** The 400 a malformed multipart body answers with, naming the body as the field at fault. */
export function malformedMultipart(error: Error): AppError {
  return new AppError('VALIDATION_ERROR', `Malformed multipart/form-data body: ${error.message}`, {
    details: { field: 'body', location: 'body' },
  });
}
