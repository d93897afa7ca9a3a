import { describe, expect, it } from 'vitest';
import { backoffDelayMs, createMemoryRateLimiter } from './rate-limiter.js';

describe('back-off', () => {
  const policy = { freeFailures: 2, baseMs: 1000, maxMs: 8000, forgetAfterMs: 60_000 };

  it('doubles after the free failures, up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 60].map((n) => backoffDelayMs(n, policy))).toEqual([
      0, 0, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('lets one of many parallel claims through once a delay is due, and forgets after a quiet spell', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter(() => now);
    const claims = await Promise.all(Array.from({ length: 6 }, () => limiter.claimAttempt('k', policy)));
    expect(claims.map((claim) => claim.allowed)).toEqual([true, true, true, false, false, false]);
    expect(claims[3]!.retryAfterSeconds).toBe(1);
    now += 1000;
    expect((await limiter.claimAttempt('k', policy)).allowed).toBe(true);
    await limiter.releaseAttempt('k');
    expect((await limiter.claimAttempt('k', policy)).failures).toBe(4);
    now += 2000 + 60_000;
    expect((await limiter.claimAttempt('k', policy)).failures).toBe(1);
  });
});
