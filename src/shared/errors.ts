/** Stable, upper-case error codes the API promises; clients switch on these, never on messages. */
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PERSONAL_WORKSPACE'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'CONTEXT_LENGTH_EXCEEDED'
  | 'MODEL_NOT_LOADED'
  | 'MODEL_BUSY'
  | 'MODEL_ERROR'
  | 'DOWNLOAD_FAILED'
  | 'INTEGRITY_ERROR'
  | 'MODEL_PULL_BLOCKED'
  | 'MODEL_TOO_LARGE'
  | 'NOT_A_GGUF'
  | 'MODEL_PATH_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'FILE_TYPE_MISMATCH'
  | 'FILE_EMPTY'
  | 'FILE_REJECTED'
  | 'EXTRACTION_FAILED'
  | 'EXTRACTION_TIMEOUT'
  | 'EXTRACTION_MEMORY'
  | 'EMBEDDINGS_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/** A rate limit's state as the RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers say it. */
export interface RateLimitState {
  /** Requests allowed in the window. */
  readonly limit: number;
  /** Requests left in the window. */
  readonly remaining: number;
  /** Seconds until the window starts over. */
  readonly resetSeconds: number;
}

/** Options for AppError. */
export interface AppErrorOptions {
  /** HTTP status to answer with. */
  readonly status?: number;
  /** Underlying error, logged but never shown to clients on 5xx. */
  readonly cause?: unknown;
  /** Whether retrying the same request later may succeed (upstream or capacity failures). */
  readonly retryable?: boolean;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  readonly retryAfterSeconds?: number;
  /** Extra machine-readable details (e.g. the field that failed validation). */
  readonly details?: Record<string, unknown>;
  /** The limit that refused the request (sent as RateLimit-* headers). */
  readonly rateLimit?: RateLimitState;
}

/** The HTTP status each code answers with unless thrown with another (the API reference lists codes by status). */
export const DEFAULT_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_ERROR: 400,
  CONTEXT_LENGTH_EXCEEDED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PERSONAL_WORKSPACE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FILE_TYPE_MISMATCH: 415,
  FILE_EMPTY: 400,
  FILE_REJECTED: 422,
  EXTRACTION_FAILED: 422,
  EXTRACTION_TIMEOUT: 422,
  EXTRACTION_MEMORY: 422,
  EMBEDDINGS_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  MODEL_ERROR: 500,
  DOWNLOAD_FAILED: 502,
  INTEGRITY_ERROR: 502,
  MODEL_PULL_BLOCKED: 400,
  MODEL_TOO_LARGE: 422,
  NOT_A_GGUF: 422,
  MODEL_PATH_NOT_ALLOWED: 400,
  MODEL_NOT_LOADED: 503,
  MODEL_BUSY: 503,
};

/** The one error type domain code throws; the HTTP layer renders it as `{error: {code, message}}`. */
export class AppError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;
  readonly details?: Record<string, unknown>;
  readonly rateLimit?: RateLimitState;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
    this.rateLimit = options.rateLimit;
  }
}

/** Factories for the errors services throw most, so messages stay consistent. */
export const errors = {
  notFound: (what: string) => new AppError('NOT_FOUND', `${what} not found`),
  unauthorized: (message = 'Authentication required') => new AppError('UNAUTHORIZED', message),
  forbidden: (message = 'You do not have permission to do this') => new AppError('FORBIDDEN', message),
  conflict: (message: string) => new AppError('CONFLICT', message),
  validation: (message: string, field?: string) =>
    new AppError('VALIDATION_ERROR', message, field ? { details: { field } } : {}),
};
