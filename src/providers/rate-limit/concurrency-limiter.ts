/** A place taken under a concurrency limit; give it back exactly once. */
export interface ConcurrencyLease {
  /** Gives the place back. Idempotent: a second call does nothing. */
  release(): Promise<void>;
}

/**
 * Counts work in flight per key (e.g. generations per user) against a cap. In process now; a Redis
 * implementation (a sorted set of lease ids with expiry, so a dead replica's leases run out) shares the
 * count across replicas.
 */
export interface ConcurrencyLimiter {
  /** Takes one of `limit` places for key, or answers undefined at once when all are taken (never waits). */
  acquire(key: string, limit: number): Promise<ConcurrencyLease | undefined>;
  /** Places currently taken for key. */
  inFlight(key: string): Promise<number>;
}

/** The in-process limiter: one counter per key with work in flight (keys are dropped at zero). */
export function createMemoryConcurrencyLimiter(): ConcurrencyLimiter {
  const counts = new Map<string, number>();
  return {
    acquire: async (key, limit) => {
      const current = counts.get(key) ?? 0;
      if (current >= limit) return undefined;
      counts.set(key, current + 1);
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          const remaining = (counts.get(key) ?? 1) - 1;
          if (remaining > 0) counts.set(key, remaining);
          else counts.delete(key);
        },
      };
    },
    inFlight: async (key) => counts.get(key) ?? 0,
  };
}
