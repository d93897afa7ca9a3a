import type { ConcurrencyLimiter } from '../../providers/rate-limit/concurrency-limiter.js';
import type { RateLimiter, RateLimitResult } from '../../providers/rate-limit/rate-limiter.js';
import { AppError, type RateLimitState } from '../../shared/errors.js';

/** How much one user may generate. */
export interface AdmissionLimits {
  /** Generating requests per user per minute. */
  readonly perMinute: number;
  /** Generating requests per user per hour. */
  readonly perHour: number;
  /** Generations one user may have running or waiting for the model at the same time. */
  readonly concurrentPerUser: number;
}

/** One admitted generating call: it holds one of the user's concurrent places until released. */
export interface Admission {
  /** The user's request quota after counting this call (for RateLimit-* headers). */
  readonly quota: RateLimitState;
  /** Gives the concurrent place back (on finish, error, abort or disconnect). Idempotent. */
  release(): void;
}

const WINDOWS = [
  { name: 'minute', ms: 60_000, limit: (limits: AdmissionLimits) => limits.perMinute },
  { name: 'hour', ms: 3_600_000, limit: (limits: AdmissionLimits) => limits.perHour },
] as const;

/** Seconds a user refused for concurrency is told to wait: an answer usually ends within seconds. */
const CONCURRENCY_RETRY_SECONDS = 1;

/**
 * The admission checks every generating call passes before it may use the model: the per-user cap on
 * concurrent generations (429 at once, no queueing) and the per-user request limits per minute and per
 * hour (429 with the window's reset). Counters live behind RateLimiter and ConcurrencyLimiter so a
 * Redis implementation can share them between replicas.
 */
export function createAdmissionService(dependencies: {
  limiter: RateLimiter;
  concurrency: ConcurrencyLimiter;
  limits: AdmissionLimits;
}) {
  const { limiter, concurrency, limits } = dependencies;

  /** Counts one request in every window; a refused request is taken back so it uses no quota. */
  const countRequest = async (userId: string): Promise<RateLimitState> => {
    const results = await Promise.all(
      WINDOWS.map(async (window) => {
        const limit = window.limit(limits);
        const result = await limiter.hit(`generate:${window.name}:${userId}`, limit, window.ms);
        return { window, limit, result };
      }),
    );
    const refused = results
      .filter(({ result }) => !result.allowed)
      .sort((a, b) => b.result.retryAfterSeconds - a.result.retryAfterSeconds)[0];
    if (refused) {
      await Promise.all(results.map(({ window }) => limiter.undo(`generate:${window.name}:${userId}`)));
      const state = toState(refused.limit, { ...refused.result, remaining: 0 });
      throw new AppError(
        'RATE_LIMITED',
        `Too many generation requests: at most ${refused.limit} per ${refused.window.name}. ` +
          `Try again in ${state.resetSeconds} s.`,
        {
          retryable: true,
          retryAfterSeconds: state.resetSeconds,
          rateLimit: state,
          details: { limit: `per_${refused.window.name}`, max: refused.limit },
        },
      );
    }
    // The tightest window is the one a client should pace itself by.
    const tightest = results.sort(
      (a, b) =>
        a.result.remaining - b.result.remaining || b.result.retryAfterSeconds - a.result.retryAfterSeconds,
    )[0]!;
    return toState(tightest.limit, tightest.result);
  };

  return {
    /**
     * Admits one generating call for a user, or throws 429 RATE_LIMITED (concurrency cap, or the
     * minute or hour limit, with Retry-After and the limit's state). Release the admission when the
     * call ends, however it ends.
     */
    admit: async (userId: string): Promise<Admission> => {
      const lease = await concurrency.acquire(`generate:${userId}`, limits.concurrentPerUser);
      if (!lease) {
        throw new AppError(
          'RATE_LIMITED',
          `You already have ${limits.concurrentPerUser} answers being generated; wait for one to finish.`,
          {
            retryable: true,
            retryAfterSeconds: CONCURRENCY_RETRY_SECONDS,
            details: { limit: 'concurrent', max: limits.concurrentPerUser },
          },
        );
      }
      try {
        const quota = await countRequest(userId);
        return { quota, release: () => void lease.release().catch(() => undefined) };
      } catch (error) {
        await lease.release();
        throw error;
      }
    },
  };
}

function toState(limit: number, result: RateLimitResult): RateLimitState {
  return { limit, remaining: result.remaining, resetSeconds: result.retryAfterSeconds };
}

/** The admission service's shape. */
export type AdmissionService = ReturnType<typeof createAdmissionService>;
