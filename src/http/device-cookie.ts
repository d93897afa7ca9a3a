import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The device cookie (OWASP's device-cookie scheme for login throttling): one per account this
 * browser signed in to, named after the account so several people sharing a browser keep theirs.
 * httpOnly and sent only to the login route, so neither page scripts nor other requests see it.
 */
const DEVICE_COOKIE_PREFIX = 'ps_device_';
const DEVICE_COOKIE_PATH = '/api/v1/auth/login';

/** The device tokens the client presented (values of every device cookie it sent). */
export function deviceTokensFromCookies(request: FastifyRequest): string[] {
  return Object.entries(request.cookies)
    .filter(([name, value]) => name.startsWith(DEVICE_COOKIE_PREFIX) && typeof value === 'string')
    .map(([, value]) => value as string);
}

/** Stores a fresh device token for the account that just signed in. */
export function setDeviceCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  token: string,
  maxAgeSeconds: number,
): void {
  void reply.setCookie(`${DEVICE_COOKIE_PREFIX}${userId}`, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: DEVICE_COOKIE_PATH,
    maxAge: maxAgeSeconds,
  });
}
