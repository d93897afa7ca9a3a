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
  /**
   * Claims one attempt under exponential back-off: refused while the delay earned by earlier failures
   * runs. A claimed attempt counts as a failure at once (so parallel attempts must wait for it too)
   * until release() takes it back.
   */
  claimAttempt(key: string, policy: BackoffPolicy): Promise<BackoffResult>;
  /** Takes back a claimed attempt that turned out not to be a failure (and lifts the delay it set). */
  releaseAttempt(key: string): Promise<void>;
}

/** How an exponential back-off grows: free failures, then base·2^n up to max; forgotten after a quiet spell. */
export interface BackoffPolicy {
  /** Failures allowed without any delay. */
  readonly freeFailures: number;
  /** Delay after the first failure beyond the free ones; each further failure doubles it. */
  readonly baseMs: number;
  /** Longest delay. */
  readonly maxMs: number;
  /** A key's failures are forgotten this long after its last one. */
  readonly forgetAfterMs: number;
}

/** Outcome of claiming an attempt under back-off. */
export interface BackoffResult {
  readonly allowed: boolean;
  /** Failures counted for the key, this attempt included when allowed. */
  readonly failures: number;
  /** When refused: seconds until the delay ends. */
  readonly retryAfterSeconds: number;
}

/** The delay a key has earned after `failures` failures under `policy`. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  const beyond = failures - policy.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(beyond - 1, 40));
}

interface Window {
  count: number;
  resetAt: number;
}

interface Backoff {
  failures: number;
  blockedUntil: number;
  forgetAt: number;
}

/** The in-process limiter: bounded memory (LRU of 100k keys), exact within one process. */
export function createMemoryRateLimiter(now: () => number = () => Date.now()): RateLimiter {
  const windows = new LRUCache<string, Window>({ max: 100_000 });
  const backoffs = new LRUCache<string, Backoff>({ max: 100_000 });
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
    // Check and count happen in one synchronous step, so two parallel attempts cannot both pass.
    claimAttempt: async (key, policy) => {
      const at = now();
      let state = backoffs.get(key);
      if (!state || state.forgetAt <= at) state = { failures: 0, blockedUntil: 0, forgetAt: 0 };
      if (state.blockedUntil > at) {
        const retryAfterSeconds = Math.max(1, Math.ceil((state.blockedUntil - at) / 1000));
        return { allowed: false, failures: state.failures, retryAfterSeconds };
      }
      state.failures += 1;
      state.blockedUntil = at + backoffDelayMs(state.failures, policy);
      state.forgetAt = Math.max(state.blockedUntil, at) + policy.forgetAfterMs;
      backoffs.set(key, state);
      return { allowed: true, failures: state.failures, retryAfterSeconds: 0 };
    },
    releaseAttempt: async (key) => {
      const state = backoffs.get(key);
      if (!state || state.failures === 0) return;
      state.failures -= 1;
      // The claim passed only because no earlier delay was running, so lifting it restores that.
      state.blockedUntil = 0;
    },
  };
}
