import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthService, Principal } from '../../modules/auth/auth.service.js';
import { isAction } from '../../modules/access/permission-table.js';
import { assertRoleMay } from '../../modules/access/policy.js';
import { AppError, errors } from '../../shared/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route answers without credentials (login, health, docs). */
    public?: boolean;
    /**
     * The action the route performs: a row of the permission table (modules/access). The hook
     * refuses a role whose cell is `deny`; the service decides the rest on the resource. Every
     * non-public route must declare one (a test lists the routes), and one without is refused.
     */
    action?: string;
    /** Route stays usable while the account must change its password. */
    allowPendingPasswordChange?: boolean;
    /** Accept `?token=` (browsers cannot set headers on a WebSocket). */
    allowQueryToken?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every non-public route. */
    principal: Principal;
  }
}

/** The bearer credential a request carries (header, X-API-Key, or `?token=` where allowed). */
export function credentialOf(request: FastifyRequest, allowQueryToken: boolean): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw errors.unauthorized('Authorization header must be "Bearer <token>"');
    return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  if (allowQueryToken) {
    const token = (request.query as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && token) return token;
  }
  return undefined;
}

/** Authenticates every non-public route in one hook: secure by default, roles from route config. */
export const authPlugin = fp(
  async (app: FastifyInstance, options: { auth: AuthService }) => {
    app.decorateRequest('principal', null as unknown as Principal);
    app.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config;
      if (request.routeOptions.url === undefined || config.public) return;
      const credential = credentialOf(request, config.allowQueryToken === true);
      if (!credential) throw errors.unauthorized();
      const principal = await options.auth.authenticate(credential);
      if (principal.user.must_change_password && !config.allowPendingPasswordChange) {
        throw new AppError(
          'PASSWORD_CHANGE_REQUIRED',
          'Change your password first (POST /api/v1/auth/password)',
        );
      }
      if (!isAction(config.action)) throw errors.forbidden('This route has no permission rule');
      assertRoleMay(principal, config.action);
      request.principal = principal;
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);
