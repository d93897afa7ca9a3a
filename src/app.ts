import Fastify, { LogController, type FastifyInstance, type FastifyReply, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { authPlugin } from './http/plugins/auth.plugin.js';
import { errorsPlugin, toErrorResponse } from './http/plugins/errors.plugin.js';
import { inputLimitsPlugin } from './http/plugins/input-limits.plugin.js';
import { isStaticFileRequest, logStaticFile } from './http/plugins/request-logging.js';
import {
  docsRouteHelmet,
  securityHeadersPlugin,
  clientErrorHandler,
  setFallbackSecurityHeaders,
} from './http/plugins/security-headers.plugin.js';
import { webAppPlugin } from './http/plugins/web-app.plugin.js';
import { openApiOptions } from './http/openapi/openapi-options.js';
import { adminRoutes } from './http/routes/admin/admin.routes.js';
import { authRoutes } from './http/routes/auth/auth.routes.js';
import { chatWebSocketRoutes } from './http/routes/chat/chat-ws.routes.js';
import { chatRoutes } from './http/routes/chat/chat.routes.js';
import { filesRoutes } from './http/routes/files/files.routes.js';
import { ragRoutes } from './http/routes/rag/rag.routes.js';
import { healthRoutes } from './http/routes/health/health.routes.js';
import { modelsRoutes } from './http/routes/models/models.routes.js';
import { promptsRoutes } from './http/routes/prompts/prompts.routes.js';
import { usersRoutes } from './http/routes/users/users.routes.js';
import { workspacesRoutes } from './http/routes/workspaces/workspaces.routes.js';
import type { Services } from './services.js';
import { logDestination } from './shared/log-output.js';
import { VERSION } from './version.js';

/** Seed 000's quick-demo paths, answered by the canonical routes. */
const ALIASES: Record<string, string> = {
  '/api/auth/login': '/api/v1/auth/login',
  '/api/chat': '/api/v1/chat',
  '/api/chat/stream': '/api/v1/chat/stream',
  '/api/rag/upload': '/api/v1/files',
  '/api/rag/search': '/api/v1/rag/search',
};

/** Options for buildApp that are not configuration. */
export interface BuildAppOptions {
  /** Logger: true for pino at the configured level, false in tests. */
  readonly logger?: boolean;
  /** Folder of the built web app; default `<package root>/dist/web`. */
  readonly webRoot?: string;
  /** Told of every route as it is registered, before any plugin (the route-rules test lists them). */
  readonly onRoute?: (route: RouteOptions) => void;
}

/** Builds the Fastify app with every plugin and route. It never listens: main.ts does, tests use inject(). */
export async function buildApp(services: Services, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.server.logLevel,
            // WebSocket clients may pass ?token=…; never write credentials into logs.
            serializers: {
              req: (request: { method: string; url: string; ip?: string }) => ({
                method: request.method,
                url: request.url.replace(/([?&](?:token|api_key)=)[^&]*/gi, '$1[redacted]'),
                ip: request.ip,
              }),
            },
            stream: logDestination(config.server.logFormat),
          },
    // Files of the web app and the docs page get one debug line (logStaticFile), not two info lines.
    logController: new LogController({ disableRequestLogging: isStaticFileRequest }),
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    rewriteUrl: (request) => {
      const url = request.url ?? '/';
      const [pathname, query] = url.split('?', 2);
      const target = ALIASES[pathname ?? ''];
      return target ? `${target}${query === undefined ? '' : `?${query}`}` : url;
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    // A URL Fastify cannot decode (`/users/%`) is a client mistake: same JSON error body as every other.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = toErrorResponse(error);
      void setFallbackSecurityHeaders(reply).status(status).send(body);
    },
    // A request the HTTP parser refuses (431, 408, 400) gets the same safe headers and error shape.
    clientErrorHandler,
    // Fastify's defaults, pinned: a JSON body with a `__proto__` or `constructor.prototype` key is a 400.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.addHook('onResponse', logStaticFile);

  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(inputLimitsPlugin);
  if (config.server.corsOrigins) {
    await app.register(cors, { origin: config.server.corsOrigins.split(',').map((origin) => origin.trim()) });
  }
  await app.register(swagger, openApiOptions(VERSION));
  // A JSON body names only the fields its schema lists: an unknown key is a 400, never a column that
  // a service might pass on to SQL (mass assignment). Schemas that say otherwise keep their rule.
  app.addHook('onRoute', (route) => {
    const body = route.schema?.body as { type?: unknown; additionalProperties?: unknown } | undefined;
    if (body?.type === 'object' && body.additionalProperties === undefined) {
      route.schema = { ...route.schema, body: { ...body, additionalProperties: false } };
    }
  });
  // Swagger UI's own routes are documentation: public, like /openapi.json, with the CSP its page needs.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs'))
      route.config = {
        ...route.config,
        public: true,
        helmet: docsRouteHelmet,
        staticFile: route.url.startsWith('/docs/static/'),
      };
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // validatorUrl: null — the spec badge would load an image from validator.swagger.io.
    uiConfig: { docExpansion: 'list', validatorUrl: null },
  });
  await app.register(websocket, { options: { maxPayload: 1_048_576 } });
  // Uploads are streamed to disk by the files routes; these caps bound everything else in a form.
  await app.register(multipart, {
    limits: {
      fileSize: config.documents.maxUploadMb * 1_048_576,
      files: 1,
      fields: 10,
      fieldSize: 65_536,
      parts: 12,
      headerPairs: 100,
    },
  });
  await app.register(cookie);
  await app.register(authPlugin, { auth: services.auth });

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { services, version: VERSION });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth', services });
      await api.register(usersRoutes, { prefix: '/users', services });
      await api.register(chatRoutes, { prefix: '/chat', services });
      await api.register(chatWebSocketRoutes, { prefix: '/chat', services });
      await api.register(promptsRoutes, { prefix: '/prompts', services });
      await api.register(modelsRoutes, { prefix: '/models', services });
      await api.register(workspacesRoutes, { prefix: '/workspaces', services });
      await api.register(filesRoutes, { prefix: '/files', services });
      await api.register(ragRoutes, { prefix: '/rag', services });
      await api.register(adminRoutes, { prefix: '/admin', services });
    },
    { prefix: '/api/v1' },
  );
  await app.register(webAppPlugin, { root: options.webRoot });
  return app;
}
