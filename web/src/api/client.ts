// One place every request goes through: the access token, one refresh on 401, waiting for the user to
// sign in again when the session has run out, and errors with the server's stable codes.
import { acceptTokens, expireSession, getAccessToken, signOut } from './session';
import type { Tokens } from './types';

/** An error answer from the API: HTTP status plus the server's stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Asks the server to put the refresh token in the httpOnly cookie instead of the body. */
const COOKIE_TRANSPORT = { 'X-Token-Transport': 'cookie' };

type Query = Record<string, string | number | boolean | undefined | null>;

/** Options for one request. */
export interface RequestOptions {
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false for the sign-in calls themselves. */
  auth?: boolean;
  /** false: on a lost session, answer 401 instead of asking the user to sign in again. */
  reauth?: boolean;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    if (body.error?.code) {
      return new ApiError(response.status, body.error.code, body.error.message ?? '', body.error.details);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, `HTTP_${response.status}`, response.statusText || 'Request failed');
}

let refreshing: Promise<boolean> | null = null;

/** True when the server's companion flag says a refresh cookie exists (the cookie itself is hidden). */
export function hasSessionCookie(): boolean {
  return document.cookie.split(';').some((part) => part.trim() === 'ps_session=1');
}

/** Exchanges the refresh cookie for a new access token; one at a time, across tabs too. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const run = async () => {
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { ...COOKIE_TRANSPORT, 'Content-Type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      if (!response.ok) return false;
      acceptTokens((await response.json()) as Tokens, () => void refreshSession());
      return true;
    };
    try {
      return navigator.locks ? await navigator.locks.request('privatestack-refresh', run) : await run();
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Signs in and keeps the session in memory (refresh token in the cookie). */
export async function signIn(login: string, password: string): Promise<Tokens> {
  const tokens = await api<Tokens>('POST', '/api/v1/auth/login', {
    json: { username: login, password },
    headers: COOKIE_TRANSPORT,
    auth: false,
  });
  acceptTokens(tokens, () => void refreshSession());
  return tokens;
}

/** Changes the password; the server starts a fresh session, so take its tokens. */
export async function changePassword(
  currentPassword: string,
  newPassword: string,
  revokeApiKeys = false,
): Promise<Tokens> {
  const tokens = await api<Tokens>('POST', '/api/v1/auth/password', {
    json: { current_password: currentPassword, new_password: newPassword, revoke_api_keys: revokeApiKeys },
    headers: COOKIE_TRANSPORT,
  });
  acceptTokens(tokens, () => void refreshSession());
  return tokens;
}

/** Ends the session on the server (which also clears the cookie) and here. */
export async function logOut(): Promise<void> {
  try {
    await apiFetch('POST', '/api/v1/auth/logout', { headers: COOKIE_TRANSPORT, reauth: false });
  } finally {
    signOut();
  }
}

/** A raw response (for streams), after authentication and one retry with a refreshed token. */
export async function apiFetch(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const send = () => {
    const headers: Record<string, string> = { ...options.headers };
    const token = getAccessToken();
    if (options.auth !== false && token) headers.Authorization = `Bearer ${token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    return fetch(withQuery(path, options.query), {
      method,
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
    });
  };
  let response = await send();
  if (response.status !== 401 || options.auth === false) return response;
  // Without re-login (sign-out): still try the cookie once, so an expired access token cannot leave
  // the session alive on the server.
  if (options.reauth === false) return (await refreshSession()) ? send() : response;
  if (await refreshSession()) {
    response = await send();
    if (response.status !== 401) return response;
  }
  // The session is gone: keep the page, ask for the password, then carry on with this request.
  if (await untilAborted(expireSession(), options.signal)) return send();
  return response;
}

/** The promise, unless the signal aborts first (a Stop pressed while the sign-in dialog is open). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new DOMException('The request was aborted', 'AbortError'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** A JSON request: the parsed body, or an ApiError with the server's code. */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(method, path, options);
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Turns a non-2xx response into an ApiError (for callers of apiFetch). */
export const toApiError = errorOf;
