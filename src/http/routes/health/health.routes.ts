import { freemem, totalmem } from 'node:os';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { LoadedModel } from '../../../../contracts/models.contract.js';
import type { Services } from '../../../services.js';

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

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptime_seconds: Type.Integer(),
  model: LoadedModel,
  memory: Type.Object({
    rss_bytes: Type.Integer(),
    heap_used_bytes: Type.Integer(),
    system_total_bytes: Type.Integer(),
    system_free_bytes: Type.Integer(),
  }),
  database: Type.Object({ dialect: Type.String(), ok: Type.Boolean() }),
});

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

/** GET /health: liveness plus model, memory and uptime (seed 003's dashboard figures). Public. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ services: Services; version: string }> = async (
  app,
  { services, version },
) => {
  app.get(
    '/health',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Health } } },
    async () => {
      const engine = services.engine.status();
      const databaseOk = await services.repositories.users.count().then(
        () => true,
        () => false,
      );
      return {
        status: engine.loaded && databaseOk ? ('ok' as const) : ('degraded' as const),
        version,
        uptime_seconds: Math.floor((services.clock().getTime() - services.startedAt.getTime()) / 1000),
        model: presentLoadedModel(engine),
        memory: memoryFigures(),
        database: { dialect: services.database.dialect, ok: databaseOk },
      };
    },
  );
};
