import { describe, expect, it } from 'vitest';
import { createMemoryConcurrencyLimiter } from '../../providers/rate-limit/concurrency-limiter.js';
import { createMemoryRateLimiter } from '../../providers/rate-limit/rate-limiter.js';
import { AppError } from '../../shared/errors.js';
import { createAdmissionService, type AdmissionLimits } from './admission.service.js';

function admissionWith(limits: AdmissionLimits) {
  let now = Date.parse('2026-12-03T10:00:00Z');
  const admission = createAdmissionService({
    limiter: createMemoryRateLimiter(() => now),
    concurrency: createMemoryConcurrencyLimiter(),
    limits,
  });
  return { admission, advance: (ms: number) => (now += ms) };
}

/** Admits and releases at once (a finished request), returning the quota it reported. */
const request = async (admission: ReturnType<typeof admissionWith>['admission'], user: string) => {
  const admitted = await admission.admit(user);
  admitted.release();
  return admitted.quota;
};

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    },
  );

describe('admission of generating calls', () => {
  it('refuses the request beyond the per-minute limit with 429, Retry-After and the limit state', async () => {
    const { admission, advance } = admissionWith({ perMinute: 3, perHour: 100, concurrentPerUser: 2 });
    const remaining = [];
    for (let index = 0; index < 3; index++) remaining.push((await request(admission, 'alice')).remaining);
    expect(remaining).toEqual([2, 1, 0]);
    advance(20_000);
    const refused = await refusal(admission.admit('alice'));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.status).toBe(429);
    expect(refused.retryAfterSeconds).toBe(40);
    expect(refused.rateLimit).toEqual({ limit: 3, remaining: 0, resetSeconds: 40 });
    expect(refused.details).toMatchObject({ limit: 'per_minute', max: 3 });
    // Another user has their own budget; the limited one is served again once the minute is over.
    expect((await request(admission, 'bob')).remaining).toBe(2);
    advance(40_000);
    expect((await request(admission, 'alice')).remaining).toBe(2);
  });

  it('enforces the hourly limit, and refusals by the minute limit do not use up the hour', async () => {
    const { admission, advance } = admissionWith({ perMinute: 3, perHour: 5, concurrentPerUser: 2 });
    for (let index = 0; index < 3; index++) await request(admission, 'alice');
    for (let index = 0; index < 10; index++) await refusal(admission.admit('alice'));
    advance(60_000);
    // Four of five used this hour (the ten refusals did not count); the hour is the tighter window now.
    expect(await request(admission, 'alice')).toEqual({ limit: 5, remaining: 1, resetSeconds: 3540 });
    expect(await request(admission, 'alice')).toEqual({ limit: 5, remaining: 0, resetSeconds: 3540 });
    const refused = await refusal(admission.admit('alice'));
    expect(refused.rateLimit).toEqual({ limit: 5, remaining: 0, resetSeconds: 3540 });
    expect(refused.retryAfterSeconds).toBe(3540);
    expect(refused.details).toMatchObject({ limit: 'per_hour', max: 5 });
  });

  it('refuses a concurrent generation beyond the per-user cap at once, and frees the place on release', async () => {
    const { admission } = admissionWith({ perMinute: 100, perHour: 100, concurrentPerUser: 2 });
    const first = await admission.admit('alice');
    const second = await admission.admit('alice');
    const refused = await refusal(admission.admit('alice'));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.details).toMatchObject({ limit: 'concurrent', max: 2 });
    expect(refused.retryAfterSeconds).toBe(1);
    expect((await admission.admit('bob')).quota.remaining).toBe(99);
    first.release();
    first.release(); // idempotent: a double release must not open a third place
    await new Promise((resolve) => setImmediate(resolve));
    const third = await admission.admit('alice');
    await refusal(admission.admit('alice'));
    // Refusals for concurrency are not counted against the request quota.
    expect(third.quota.remaining).toBe(97);
    second.release();
    third.release();
  });
});
