import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesTable } from '../../src/db/tables.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const HOUR = 60 * 60 * 1000;

/** A stored answer of the fixture: when (hours back from now) and its figures. */
interface Answer {
  hoursAgo: number;
  role?: MessagesTable['role'];
  status?: MessagesTable['status'];
  prompt: number | null;
  completion: number | null;
  latency: number | null;
  ttft: number | null;
}

// Ten answers inside the last 24 hours (latencies 100..1000), one error, one old answer and a user turn.
const answers: Answer[] = [
  { hoursAgo: 0, prompt: 10, completion: 5, latency: 100, ttft: 10 },
  { hoursAgo: 0, prompt: 20, completion: 7, latency: 200, ttft: 20 },
  { hoursAgo: 2, prompt: 30, completion: 11, latency: 300, ttft: 30 },
  { hoursAgo: 2, prompt: 40, completion: 13, latency: 400, ttft: null },
  { hoursAgo: 2, prompt: 50, completion: 17, latency: 500, ttft: 50 },
  { hoursAgo: 5, prompt: 60, completion: 19, latency: 600, ttft: 60 },
  { hoursAgo: 5, status: 'error', prompt: 70, completion: 0, latency: null, ttft: null },
  { hoursAgo: 7, prompt: 80, completion: 23, latency: 700, ttft: 70 },
  { hoursAgo: 7, status: 'incomplete', prompt: 90, completion: 29, latency: 800, ttft: 80 },
  { hoursAgo: 12, prompt: 100, completion: 31, latency: 900, ttft: 90 },
  { hoursAgo: 20, prompt: 110, completion: 37, latency: 1000, ttft: 100 },
  { hoursAgo: 1, role: 'user', prompt: 999, completion: 999, latency: 99_999, ttft: 99_999 },
  { hoursAgo: 30, prompt: 999, completion: 999, latency: 99_999, ttft: 99_999 },
];

let t: TestApp;
let admin: string;
const stored: { createdAt: string; answer: Answer }[] = [];

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.adminToken();
  const conversations: string[] = [];
  for (const title of ['one', 'two']) {
    const created = await t.call('POST', '/api/v1/chat/sessions', admin, { title });
    expect(created.status).toBe(201);
    conversations.push(created.body.id);
  }
  const now = Date.now();
  const db = t.runtime.services.database.db;
  for (const [index, answer] of answers.entries()) {
    const createdAt = new Date(now - answer.hoursAgo * HOUR).toISOString();
    stored.push({ createdAt, answer });
    await db
      .insertInto('messages')
      .values({
        id: randomUUID(),
        conversation_id: conversations[index % 2]!,
        seq: 1000 + index,
        role: answer.role ?? 'assistant',
        content: 'fixture',
        reasoning: null,
        status: answer.status ?? 'complete',
        prompt_tokens: answer.prompt,
        completion_tokens: answer.completion,
        latency_ms: answer.latency,
        time_to_first_token_ms: answer.ttft,
        model: 'stories260K',
        sources: null,
        created_at: createdAt,
      })
      .execute();
  }
});
afterAll(() => t.close());

/** What one hour bucket must hold, from the fixture (robust to the hour turning during the test). */
const expectedBucket = (hour: string) => {
  const inHour = stored.filter(
    ({ createdAt, answer }) => createdAt.slice(0, 13) === hour.slice(0, 13) && answer.role !== 'user',
  );
  return {
    hour,
    requests: inHour.length,
    errors: inHour.filter(({ answer }) => answer.status === 'error').length,
    prompt_tokens: inHour.reduce((sum, { answer }) => sum + (answer.prompt ?? 0), 0),
    completion_tokens: inHour.reduce((sum, { answer }) => sum + (answer.completion ?? 0), 0),
  };
};

describe('GET /api/v1/admin/stats', () => {
  it('buckets answers per hour, zero-fills empty hours and sums tokens', async () => {
    const response = await t.call('GET', '/api/v1/admin/stats?hours=24', admin);
    expect(response.status).toBe(200);
    const { usage, totals, window_hours } = response.body;
    expect(window_hours).toBe(24);
    expect(usage).toHaveLength(24);
    for (const [i, bucket] of usage.entries()) {
      expect(bucket.hour).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);
      if (i > 0) expect(Date.parse(bucket.hour) - Date.parse(usage[i - 1].hour)).toBe(HOUR);
      expect(bucket).toEqual(expectedBucket(bucket.hour));
    }
    const lastHour = Date.parse(usage.at(-1).hour);
    expect(Date.now() - lastHour).toBeGreaterThanOrEqual(0);
    expect(Date.now() - lastHour).toBeLessThan(HOUR);

    // The current hour holds two answers, five hours back one answer plus one error; most hours are empty.
    const newest = usage.find(
      (bucket: any) => bucket.hour.slice(0, 13) === stored[0]!.createdAt.slice(0, 13),
    );
    expect(newest).toMatchObject({ requests: 2, prompt_tokens: 30, completion_tokens: 12 });
    expect(usage.filter((bucket: any) => bucket.requests === 0).length).toBeGreaterThanOrEqual(17);
    expect(usage.find((bucket: any) => bucket.errors === 1)).toMatchObject({
      requests: 2,
      prompt_tokens: 130,
    });

    // The user turn (1 h back) and the 30 h old answer are left out.
    expect(totals).toMatchObject({
      requests: 11,
      errors: 1,
      prompt_tokens: 660,
      completion_tokens: 192,
      conversations: 2,
      documents: 0,
    });
  });

  it('gives nearest-rank latency and time-to-first-token percentiles over the window', async () => {
    const { body } = await t.call('GET', '/api/v1/admin/stats', admin);
    expect(body.window_hours).toBe(24);
    expect(body.latency_ms).toEqual({ p50: 500, p90: 900, p95: 1000, p99: 1000 });
    // Nine non-null values: 10, 20, 30, 50, 60, 70, 80, 90, 100.
    expect(body.time_to_first_token_ms).toEqual({ p50: 60, p90: 100, p95: 100, p99: 100 });
  });

  it('narrows to one hour, and reports null percentiles when there are no answers', async () => {
    const { body } = await t.call('GET', '/api/v1/admin/stats?hours=1', admin);
    expect(body.usage).toHaveLength(1);
    expect(body.usage[0]).toEqual(expectedBucket(body.usage[0].hour));
    expect(body.totals.requests).toBe(body.usage[0].requests);

    await t.runtime.services.database.db.deleteFrom('messages').where('content', '=', 'fixture').execute();
    const empty = (await t.call('GET', '/api/v1/admin/stats?hours=720', admin)).body;
    expect(empty.usage).toHaveLength(720);
    expect(empty.usage.every((bucket: any) => bucket.requests === 0)).toBe(true);
    expect(empty.latency_ms).toEqual({ p50: null, p90: null, p95: null, p99: null });
    expect(empty.time_to_first_token_ms).toEqual({ p50: null, p90: null, p95: null, p99: null });
    expect(empty.totals).toMatchObject({ requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0 });
  });

  it('reports user counts, system figures, the model and the (absent) cache', async () => {
    const manager = await t.createUser('manager');
    const { status, body } = await t.call('GET', '/api/v1/admin/stats', manager.token);
    expect(status).toBe(200);
    const users = (await t.call('GET', '/api/v1/users?limit=100', admin)).body.total;
    expect(body.totals.users).toBe(users);
    expect(body.cache).toEqual({ enabled: false, hit_rate: null });
    expect(body.model).toMatchObject({ id: 'stories260K', loaded: true, context_size: 512 });
    expect(body.system.cpu_cores).toBeGreaterThan(0);
    expect(body.system.cpu_model).toEqual(expect.any(String));
    expect(body.system.load_average).toHaveLength(3);
    expect(body.system.process_cpu_percent).toBeGreaterThanOrEqual(0);
    expect(body.system.rss_bytes).toBeGreaterThan(0);
    expect(body.system.heap_used_bytes).toBeGreaterThan(0);
    expect(body.system.system_total_bytes).toBeGreaterThanOrEqual(body.system.system_free_bytes);
    expect(body.system.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(Math.abs(Date.parse(body.generated_at) - Date.now())).toBeLessThan(60_000);
  });

  it('is for admins and managers only', async () => {
    for (const role of ['user', 'viewer'] as const) {
      const { token } = await t.createUser(role);
      const response = await t.call('GET', '/api/v1/admin/stats', token);
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    const anonymous = await t.call('GET', '/api/v1/admin/stats');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
  });

  it('rejects a window that is not 1..720 whole hours', async () => {
    for (const hours of ['0', 'abc', '721', '1.5', '-3']) {
      const response = await t.call('GET', `/api/v1/admin/stats?hours=${hours}`, admin);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: { field: 'hours', location: 'querystring' },
      });
    }
  });
});
