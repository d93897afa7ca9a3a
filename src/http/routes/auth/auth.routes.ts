import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  ApiKey,
  ChangePasswordBody,
  CreateApiKeyBody,
  CreatedApiKey,
  LoginBody,
  RefreshBody,
  RegisterBody,
  TokenResponse,
} from '../../../../contracts/auth.contract.js';
import { authErrors, ErrorResponse, IdParams } from '../../../../contracts/common.contract.js';
import { User } from '../../../../contracts/users.contract.js';
import type { Services } from '../../../services.js';
import { DEVICE_TOKEN_DAYS } from '../../../modules/auth/device-tokens.js';
import { errors } from '../../../shared/errors.js';
import { deviceTokensFromCookies, setDeviceCookie } from '../../device-cookie.js';
import {
  clearRefreshCookie,
  deliverTokens,
  refreshTokenFromCookie,
  TOKEN_TRANSPORT_HEADER,
  wantsCookieTransport,
} from '../../refresh-cookie.js';

const tags = ['auth'];
const pending = { allowPendingPasswordChange: true };

/** /api/v1/auth: login, refresh, logout, me, password, registration, API keys. */
export const authRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { auth, users, config } = services;
  const deliver = <T extends { refresh_token?: string }>(
    request: FastifyRequest,
    reply: FastifyReply,
    tokens: T,
  ) => deliverTokens(request, reply, tokens, config.auth.sessionHours);
  const transportHeader = Type.Object({
    [TOKEN_TRANSPORT_HEADER]: Type.Optional(
      Type.Literal('cookie', { description: 'Put the refresh token in an httpOnly cookie (the web app)' }),
    ),
  });
  const client = (request: { ip: string; headers: Record<string, unknown> }) => ({
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
  });

  app.post(
    '/login',
    {
      config: { public: true },
      schema: {
        summary: 'Log in',
        description:
          'Send `email` (or `username`) and `password`; the answer has an `access_token` (a JWT for `Authorization: Bearer`, valid `JWT_ACCESS_MINUTES`) and a `refresh_token` for `POST /auth/refresh`. Repeated failures are refused per account and per address with 429 and `Retry-After` (the wait doubles). A first-run admin gets tokens but must change the password before anything else.',
        tags,
        body: LoginBody,
        headers: transportHeader,
        response: { 200: TokenResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const login = request.body.email ?? request.body.username;
      if (!login) throw errors.validation('email or username is required', 'email');
      const { tokens, deviceToken } = await auth.login(login, request.body.password, {
        ...client(request),
        deviceTokens: deviceTokensFromCookies(request),
      });
      // Browsers (the web app asks for cookie transport) keep it; API clients get no cookies at all.
      if (wantsCookieTransport(request)) {
        setDeviceCookie(request, reply, tokens.user.id, deviceToken, DEVICE_TOKEN_DAYS * 86_400);
      }
      return deliver(request, reply, tokens);
    },
  );

  app.post(
    '/refresh',
    {
      config: { public: true },
      schema: {
        summary: 'Refresh the access token',
        description:
          'Exchanges a refresh token for a new pair; the old refresh token stops working (presenting it again ends the whole session). The web app sends none: its refresh token is in an httpOnly cookie.',
        tags,
        body: RefreshBody,
        headers: transportHeader,
        response: { 200: TokenResponse, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const token = request.body.refresh_token ?? refreshTokenFromCookie(request);
      if (!token) throw errors.unauthorized('No refresh token: send refresh_token or sign in again');
      try {
        return deliver(request, reply, await auth.refresh(token));
      } catch (error) {
        clearRefreshCookie(request, reply);
        throw error;
      }
    },
  );

  app.post(
    '/register',
    {
      config: { public: true },
      schema: {
        summary: 'Register an account',
        description:
          'Only when the server runs with `REGISTRATION_ENABLED=true` (otherwise 403). New accounts get the `user` role.',
        tags,
        body: RegisterBody,
        response: { 201: User, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (!config.auth.registrationEnabled)
        throw errors.forbidden('Self-registration is disabled; ask an administrator');
      return reply.status(201).send(await users.register({ ...request.body, role: 'user' }));
    },
  );

  app.post(
    '/logout',
    {
      config: { ...pending, action: 'account.logout' },
      schema: {
        summary: 'Log out',
        description: 'Ends the current session: its refresh token stops working. API keys keep working.',
        tags,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await auth.logout(request.principal);
      clearRefreshCookie(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { ...pending, action: 'account.read' },
      schema: { summary: 'Get the signed-in account', tags, response: { 200: User, ...authErrors } },
    },
    async (request) => request.principal.user,
  );

  app.post(
    '/password',
    {
      config: { ...pending, action: 'account.password' },
      schema: {
        summary: 'Change your password',
        description:
          'Every other session of the account ends; this one continues with the new tokens in the answer. `revoke_api_keys: true` revokes your API keys too.',
        tags,
        body: ChangePasswordBody,
        headers: transportHeader,
        response: { 200: TokenResponse, ...authErrors },
      },
    },
    async (request, reply) =>
      deliver(
        request,
        reply,
        await auth.changePassword(
          request.principal,
          {
            currentPassword: request.body.current_password,
            newPassword: request.body.new_password,
            revokeApiKeys: request.body.revoke_api_keys === true,
          },
          client(request),
        ),
      ),
  );

  app.get(
    '/api-keys',
    {
      config: { action: 'apikey.list' },
      schema: {
        summary: 'List your API keys',
        description: 'Secrets are never shown again; `prefix` identifies a key.',
        tags,
        response: { 200: Type.Object({ api_keys: Type.Array(ApiKey) }), ...authErrors },
      },
    },
    async (request) => ({
      api_keys: await auth.listApiKeys(request.principal),
    }),
  );

  app.post(
    '/api-keys',
    {
      config: { action: 'apikey.create' },
      schema: {
        summary: 'Create an API key',
        description:
          'The secret (`key`, `psk_…`) is in this answer only. Send it as `Authorization: Bearer psk_…` or `X-API-Key: psk_…`. Sign in with a password to create one: an API key cannot create keys.',
        tags,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...authErrors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await auth.createApiKey(request.principal, request.body.name, request.body.expires_at)),
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { action: 'apikey.revoke' },
      schema: {
        summary: 'Revoke an API key',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await auth.revokeApiKey(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
