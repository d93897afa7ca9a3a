import { cpus, loadavg } from 'node:os';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminStats, StatsQuery } from '../../../../contracts/admin.contract.js';
import { authErrors } from '../../../../contracts/common.contract.js';
import type { Services } from '../../../services.js';
import { memoryFigures, presentLoadedModel } from '../health/health.routes.js';

const tags = ['admin'];

/** /api/v1/admin: the admin dashboard (admins and managers). */
export const adminRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { adminStats } = services;

  app.get(
    '/stats',
    {
      config: { action: 'admin.stats.read' },
      schema: {
        summary: 'Get the dashboard figures',
        description:
          'Answers, tokens, errors and latency per hour over the last `hours` (default 24), plus system figures.',
        tags,
        querystring: StatsQuery,
        response: { 200: AdminStats, ...authErrors },
      },
    },
    async (request): Promise<AdminStats> => {
      const hours = request.query.hours;
      const { now, usage, totals, latency } = await adminStats.usage(request.principal, hours);
      return {
        window_hours: hours,
        generated_at: now.toISOString(),
        usage,
        totals,
        ...latency,
        cache: { enabled: false, hit_rate: null },
        system: systemFigures(services, now),
        model: presentLoadedModel(services.engine.status()),
      };
    },
  );
};

/** Host and process figures: CPU, load, memory and uptime. */
function systemFigures(services: Services, now: Date): AdminStats['system'] {
  const uptimeMs = Math.max(0, now.getTime() - services.startedAt.getTime());
  const cpu = process.cpuUsage();
  const processors = cpus();
  // cpuUsage() counts from process start, so divide by the process's own uptime.
  const processUptimeUs = process.uptime() * 1e6;
  return {
    uptime_seconds: Math.floor(uptimeMs / 1000),
    cpu_cores: processors.length,
    cpu_model: processors[0]?.model ?? 'unknown',
    load_average: loadavg(),
    process_cpu_percent: processUptimeUs > 0 ? round2(((cpu.user + cpu.system) / processUptimeUs) * 100) : 0,
    ...memoryFigures(),
  };
}

/** Rounds to two decimals. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
