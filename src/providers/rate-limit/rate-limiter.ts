import { LRUCache } from 'lru-cache';

/** Outcome of counting one event against a limit. */
export interface RateLimitResult {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly retryAfterSeconds: number;
}

/** Fixed-window counters keyed by string. In process now; a Redis implementation shares them across replicas. */
export interface RateLimiter {
  /** Counts one event for key and says whether it is within `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Reads the current state without counting. */
  peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Forgets a key (e.g. after a successful login). */
  reset(key: string): Promise<void>;
  /** Takes back one counted event (it turned out not to count, e.g. a login that succeeded). */
  undo(key: string): Promise<void>;
}

interface Window {
  count: number;
  resetAt: number;
}

/** The in-process limiter: bounded memory (LRU of 100k keys), exact within one process. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new LRUCache<string, Window>({ max: 100_000 });
  const current = (key: string, windowMs: number): Window => {
    const existing = windows.get(key);
    if (existing && existing.resetAt > now()) return existing;
    const fresh = { count: 0, resetAt: now() + windowMs };
    windows.set(key, fresh);
    return fresh;
  };
  const result = (window: Window, limit: number): RateLimitResult => ({
    allowed: window.count <= limit,
    remaining: Math.max(0, limit - window.count),
    retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now()) / 1000)),
  });
  return {
    hit: async (key, limit, windowMs) => {
      const window = current(key, windowMs);
      window.count += 1;
      return result(window, limit);
    },
    peek: async (key, limit, windowMs) => {
      const window = current(key, windowMs);
      return { ...result(window, limit), allowed: window.count < limit };
    },
    reset: async (key) => {
      windows.delete(key);
    },
    undo: async (key) => {
      const window = windows.get(key);
      if (window && window.count > 0) window.count -= 1;
    },
  };
}
