import type { Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import type { UsageStatsRepository } from './usage-stats.repository.js';

/**
 * The dashboard's figures from the database (answers, tokens, errors and latency per hour, and
 * totals), behind the permission table's `admin.stats.read`. Host figures (CPU, memory) are the
 * process's own and are added by the caller.
 */
export function createAdminStatsService(dependencies: {
  stats: UsageStatsRepository;
  policy: Pick<Policy, 'authorize'>;
  clock: () => Date;
}) {
  const { stats, policy, clock } = dependencies;
  return {
    /** Usage over the last `hours` hours, with totals and latency percentiles. */
    usage: async (principal: Principal, hours: number) => {
      await policy.authorize(principal, 'admin.stats.read');
      const now = clock();
      const usage = await stats.hourlyUsage(now, hours);
      const [latency, counts] = await Promise.all([stats.latencyPercentiles(usage[0]!.hour), stats.counts()]);
      const sum = (key: 'requests' | 'errors' | 'prompt_tokens' | 'completion_tokens') =>
        usage.reduce((total, bucket) => total + bucket[key], 0);
      return {
        now,
        usage,
        totals: {
          requests: sum('requests'),
          errors: sum('errors'),
          prompt_tokens: sum('prompt_tokens'),
          completion_tokens: sum('completion_tokens'),
          ...counts,
        },
        latency,
      };
    },
  };
}

/** The admin stats service's shape. */
export type AdminStatsService = ReturnType<typeof createAdminStatsService>;
