import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type RateLimitState } from '../../shared/errors.js';
import { isMultipartParserError, malformedMultipart } from '../multipart-errors.js';

/** The JSON error body every route answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** The RateLimit-* headers (IETF draft "RateLimit header fields for HTTP") for a limit's state. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(state.remaining),
    'RateLimit-Reset': String(state.resetSeconds),
  };
}

/** Turns any thrown error into `{error: {code, message}}` with a stable code; hides internals on 5xx. */
export function toErrorResponse(error: unknown): {
  status: number;
  body: ErrorBody;
  retryAfter?: number;
  rateLimit?: RateLimitState;
} {
  if (isMultipartParserError(error)) return toErrorResponse(malformedMultipart(error));
  if (error instanceof AppError) {
    const hidden = error.status >= 500 && error.code === 'INTERNAL_ERROR';
    return {
      status: error.status,
      retryAfter: error.retryAfterSeconds,
      rateLimit: error.rateLimit,
      body: {
        error: {
          code: error.code,
          message: hidden ? 'Internal server error' : error.message,
          ...(error.details && { details: error.details }),
        },
      },
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const first = fastifyError.validation[0];
    const location = fastifyError.validationContext ?? 'body';
    const params = first?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
    const missing = params?.missingProperty;
    const unknown = params?.additionalProperty;
    const pointer = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const field = [pointer, missing ?? unknown].filter(Boolean).join('.') || location;
    const message = missing
      ? `${field} is required`
      : unknown
        ? `${field} is not a field this request accepts`
        : `${field} ${first?.message ?? 'is invalid'}`;
    return {
      status: 400,
      body: { error: { code: 'VALIDATION_ERROR', message, details: { field, location } } },
    };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type' } },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 400,
        body: { error: { code: 'VALIDATION_ERROR', message: 'Body is not valid JSON' } },
      };
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      body: { error: { code: 'VALIDATION_ERROR', message: fastifyError.message } },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } } };
}

/** Registers the one error handler and the JSON 404. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      const { status, body, retryAfter, rateLimit } = toErrorResponse(error);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
      if (rateLimit) void reply.headers(rateLimitHeaders(rateLimit));
      return reply.status(status).send(body);
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: {
          code: 'NOT_FOUND',
          message: `No route for ${request.method} ${request.url.split('?')[0]}`,
        },
      }),
    );
  },
  { name: 'errors' },
);
