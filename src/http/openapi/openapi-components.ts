import { DEFAULT_STATUS, type ErrorCode } from '../../shared/errors.js';

/** The security requirement of every operation that needs a caller: either scheme will do. */
export const SIGNED_IN: readonly Record<string, readonly string[]>[] = [
  { bearerAuth: [] },
  { apiKeyHeader: [] },
];

/** How a client proves who it is (components.securitySchemes). */
export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      '`Authorization: Bearer <token>`, where the token is either the `access_token` from ' +
      '`POST /api/v1/auth/login` (a JWT that lives `JWT_ACCESS_MINUTES`, 15 minutes by default; renew it ' +
      'with `POST /api/v1/auth/refresh`) or an API key (`psk_…`) from `POST /api/v1/auth/api-keys`.',
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'An API key (`psk_…`) from `POST /api/v1/auth/api-keys`, for clients that cannot set Authorization.',
  },
} as const;

/** The one error body, referenced by every shared error response. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable upper-case code; branch on this, not on the message' },
        message: { type: 'string', description: 'For people; may change between versions' },
        details: {
          type: 'object',
          additionalProperties: true,
          description: 'Machine-readable extras, e.g. `field` and `location` of a VALIDATION_ERROR',
        },
      },
    },
  },
} as const;

const retryAfter = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', minimum: 0 },
};
const rateLimitHeaders = {
  'Retry-After': retryAfter,
  'RateLimit-Limit': { description: 'Requests allowed in the window', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window starts over', schema: { type: 'integer' } },
};

/** One shared error response per status: its name in components.responses, what it means, extra headers. */
const SHARED_ERRORS: Record<number, { name: string; text: string; headers?: object }> = {
  400: {
    name: 'ValidationError',
    text:
      'The request is malformed. `VALIDATION_ERROR` names the offending field in `details.field` ' +
      '(`details.location`: body, querystring, params or headers); an unknown body field is refused too.',
  },
  401: {
    name: 'Unauthorized',
    text: 'No credential, or an invalid, expired or revoked one: log in again or refresh the access token.',
  },
  403: {
    name: 'Forbidden',
    text:
      "The caller's role may not do this (`FORBIDDEN`), or the account must change its password first " +
      '(`PASSWORD_CHANGE_REQUIRED`: `POST /api/v1/auth/password`).',
  },
  404: {
    name: 'NotFound',
    text: 'No such object, or one the caller may not see (the answer is the same, so ids cannot be probed).',
  },
  409: {
    name: 'Conflict',
    text: 'The request conflicts with the current state (a taken name, the active prompt, …).',
  },
  413: {
    name: 'PayloadTooLarge',
    text: 'The body or the uploaded file is larger than the configured limit.',
  },
  415: { name: 'UnsupportedMediaType', text: 'The content type, or the file type, is not accepted.' },
  422: {
    name: 'Unprocessable',
    text: 'The input is well-formed but cannot be used (e.g. a file that fails to parse).',
  },
  429: {
    name: 'TooManyRequests',
    text:
      'A rate limit refused the request: wait `Retry-After` seconds. Generating requests are limited per user ' +
      '(`RATE_LIMIT_PER_MINUTE`, `RATE_LIMIT_PER_HOUR`, with RateLimit-* headers); failed logins back off per ' +
      'account and per address.',
    headers: rateLimitHeaders,
  },
  503: {
    name: 'ServiceUnavailable',
    text:
      'No model is loaded (`MODEL_NOT_LOADED`: install one with `POST /api/v1/models/pull`), or every ' +
      'generation slot and the queue are taken (`MODEL_BUSY`: retry after `Retry-After` seconds).',
    headers: { 'Retry-After': retryAfter },
  },
};

/** The statuses answered through a shared component (`#/components/responses/<name>`). */
export function sharedErrorResponseName(status: number): string | undefined {
  return SHARED_ERRORS[status]?.name;
}

/** components.responses: each shared error with its meaning and the codes it can carry. */
export function sharedErrorResponses(): Record<string, object> {
  const responses: Record<string, object> = {};
  for (const [status, { name, text, headers }] of Object.entries(SHARED_ERRORS)) {
    const codes = (Object.keys(DEFAULT_STATUS) as ErrorCode[])
      .filter((code) => DEFAULT_STATUS[code] === Number(status))
      .map((code) => `\`${code}\``);
    responses[name] = {
      description: `${text} Codes: ${codes.join(', ')}.`,
      ...(headers && { headers }),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
    };
  }
  return responses;
}

/** components.schemas added by hand: the error body. */
export const SHARED_SCHEMAS = { ErrorResponse: ERROR_SCHEMA };

/** The operation groups in the order /docs shows them, each with what a client author needs first. */
export const TAGS = [
  {
    name: 'auth',
    description:
      'Log in, refresh, change the password, API keys. Start here: `POST /api/v1/auth/login` answers an ' +
      'access token for the Authorize button above (or create an API key and use that).',
  },
  {
    name: 'chat',
    description:
      'Answers from the loaded model: `POST /chat` (JSON), Server-Sent Events (`POST /chat/stream`, ' +
      'session messages), and sessions that keep the conversation. **WebSocket** `GET /api/v1/chat/ws` ' +
      '(not listed: OpenAPI cannot describe it): send `{"message", "session_id"?}` (with the settings of ' +
      'the SSE routes; no `session_id` starts a session), `{"type": "cancel"}` or `{"type": "auth", ' +
      '"token"}` (a fresh access token); receive `{"chunk", "done": false}` frames (also `reasoning`, ' +
      '`rag_search`), then `{"done": true, "session_id", "message"}` or `{"error", "done": true, ' +
      '"retry_after"?}`. Browsers may pass the token as `?token=`; one socket answers in order.',
  },
  {
    name: 'workspaces',
    description: 'Departments that hold documents, with owner, editor and reader members.',
  },
  {
    name: 'files',
    description: 'Knowledge-base documents: upload (multipart), processing status, download.',
  },
  {
    name: 'rag',
    description: 'Search over the documents the caller may read, and the knowledge base status.',
  },
  { name: 'prompts', description: 'The system-prompt library; exactly one prompt is active.' },
  { name: 'models', description: 'Registered GGUF models, the catalogue, downloads (pulls) and switching.' },
  { name: 'users', description: 'Account management (admins).' },
  { name: 'admin', description: 'The admin dashboard.' },
  { name: 'health', description: 'Liveness and, for admins, the server state.' },
];
