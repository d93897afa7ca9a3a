import type { FastifyReply, FastifyRequest } from 'fastify';

/** The browser's refresh-token cookie: httpOnly, SameSite=Strict, sent only to the auth routes. */
export const REFRESH_COOKIE = 'ps_refresh';
const COOKIE_PATH = '/api/v1/auth';
/**
 * A companion flag that page scripts can read (it holds nothing secret): it tells the web app that a
 * refresh cookie exists, so a fresh visit does not send a refresh request that can only fail.
 */
export const SESSION_FLAG_COOKIE = 'ps_session';

/**
 * The web app asks for cookie transport with this header. A custom header cannot be sent by another
 * site without a CORS preflight, so a cookie-based refresh also proves the caller is our own page.
 */
export const TOKEN_TRANSPORT_HEADER = 'x-token-transport';

/** True when the caller asked for the refresh token in a cookie instead of the body. */
export function wantsCookieTransport(request: FastifyRequest): boolean {
  return request.headers[TOKEN_TRANSPORT_HEADER] === 'cookie';
}

/** The refresh token from the cookie, only when the request also carries the transport header. */
export function refreshTokenFromCookie(request: FastifyRequest): string | undefined {
  if (!wantsCookieTransport(request)) return undefined;
  const value = request.cookies[REFRESH_COOKIE];
  return value ? value : undefined;
}

/**
 * Moves a token response's refresh token into the cookie when the caller asked for it, so page
 * scripts never see it. Secure is set whenever the request came over HTTPS.
 */
export function deliverTokens<T extends { refresh_token?: string }>(
  request: FastifyRequest,
  reply: FastifyReply,
  tokens: T,
  sessionHours: number,
): T {
  if (!wantsCookieTransport(request) || !tokens.refresh_token) return tokens;
  void reply.setCookie(REFRESH_COOKIE, tokens.refresh_token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: COOKIE_PATH,
    maxAge: sessionHours * 3600,
  });
  void reply.setCookie(SESSION_FLAG_COOKIE, '1', {
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
    maxAge: sessionHours * 3600,
  });
  const { refresh_token: _hidden, ...rest } = tokens;
  return rest as T;
}

/** Removes the refresh cookie (logout, or a refresh that failed). */
export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  if (request.cookies[REFRESH_COOKIE] !== undefined) {
    void reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict' });
  }
  if (request.cookies[SESSION_FLAG_COOKIE] !== undefined) {
    void reply.clearCookie(SESSION_FLAG_COOKIE, { path: '/', sameSite: 'strict' });
  }
}
