import { createHash, timingSafeEqual } from 'node:crypto';
import { freemem, totalmem } from 'node:os';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { ErrorResponse } from '../../../../contracts/common.contract.js';
import { LoadedModel } from '../../../../contracts/models.contract.js';
import type { Services } from '../../../services.js';
import { credentialOf } from '../../plugins/auth.plugin.js';

/** The engine's model and load as /health and the admin dashboard show it. */
export function presentLoadedModel(
  engine: ReturnType<Services['engine']['status']>,
): Static<typeof LoadedModel> {
  return engine.model
    ? {
        id: engine.model.id,
        loaded: engine.loaded,
        architecture: engine.model.architecture ?? null,
        context_size: engine.model.contextSize,
        parallel_sequences: engine.model.parallelSequences,
        active_sequences: engine.activeSequences,
        queued_requests: engine.queuedRequests,
      }
    : null;
}

// Everything but `status` is for operators only: version, model and memory help an attacker pick
// exploits and time attacks, so anonymous callers get the status alone.
const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.Optional(Type.String()),
  uptime_seconds: Type.Optional(Type.Integer()),
  model: Type.Optional(LoadedModel),
  memory: Type.Optional(
    Type.Object({
      rss_bytes: Type.Integer(),
      heap_used_bytes: Type.Integer(),
      system_total_bytes: Type.Integer(),
      system_free_bytes: Type.Integer(),
    }),
  ),
  database: Type.Optional(Type.Object({ dialect: Type.String(), ok: Type.Boolean() })),
});

/** Compares two secrets in constant time (hashed first, so their lengths do not leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * True when the caller may read the full report: the METRICS_TOKEN bearer, or a signed-in admin.
 * No credential means anonymous; a credential that is neither answers 401 (so a typo is noticed).
 */
async function mayReadDetails(request: FastifyRequest, services: Services): Promise<boolean> {
  const credential = credentialOf(request, false);
  if (credential === undefined) return false;
  const metricsToken = services.config.metrics.token;
  if (metricsToken !== undefined && sameSecret(credential, metricsToken)) return true;
  const principal = await services.auth.authenticate(credential);
  return principal.user.role === 'admin';
}

/** This process's and the host's memory, as /health and the admin dashboard show it. */
export function memoryFigures() {
  const memory = process.memoryUsage();
  return {
    rss_bytes: memory.rss,
    heap_used_bytes: memory.heapUsed,
    system_total_bytes: totalmem(),
    system_free_bytes: freemem(),
  };
}

/** GET /health: liveness for everyone; model, memory, version and uptime for admins and the metrics token. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ services: Services; version: string }> = async (
  app,
  { services, version },
) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        summary: "Check the server's health",
        tags: ['health'],
        description:
          'Anonymous callers get `status` only; signed-in admins and `Authorization: Bearer <METRICS_TOKEN>` get the full report.',
        response: { 200: Health, 401: ErrorResponse },
      },
    },
    async (request) => {
      const details = await mayReadDetails(request, services);
      const engine = services.engine.status();
      const databaseOk = await services.repositories.users.count().then(
        () => true,
        () => false,
      );
      const status = engine.loaded && databaseOk ? ('ok' as const) : ('degraded' as const);
      if (!details) return { status };
      return {
        status,
        version,
        uptime_seconds: Math.floor((services.clock().getTime() - services.startedAt.getTime()) / 1000),
        model: presentLoadedModel(engine),
        memory: memoryFigures(),
        database: { dialect: services.database.dialect, ok: databaseOk },
      };
    },
  );
};
