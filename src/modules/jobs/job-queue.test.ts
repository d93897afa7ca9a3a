import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type DatabaseHandle } from '../../db/database.js';
import { createJobRepository, type JobRepository } from './job.repository.js';
import { createJobWorker } from './job-worker.js';

let database: DatabaseHandle;
let jobs: JobRepository;
let now: Date;
const clock = () => now;

beforeEach(async () => {
  database = await openSqliteDatabase(':memory:');
  jobs = createJobRepository(database.db);
  now = new Date('2026-11-23T08:00:00Z');
});
afterEach(() => database.close());

describe('durable job queue', () => {
  it('runs a job to done, once, even when it was enqueued twice with the same key', async () => {
    const seen: unknown[] = [];
    const first = await jobs.enqueue(
      { kind: 'ingest', payload: { document: 'a' }, dedupeKey: 'ingest:a' },
      now,
    );
    const again = await jobs.enqueue(
      { kind: 'ingest', payload: { document: 'a' }, dedupeKey: 'ingest:a' },
      now,
    );
    expect(again.id).toBe(first.id);
    const worker = createJobWorker({
      jobs,
      clock,
      handlers: { ingest: async (payload) => void seen.push(payload) },
    });
    await worker.drain();
    expect(seen).toEqual([{ document: 'a' }]);
    expect((await jobs.findById(first.id))?.status).toBe('done');
  });

  it('retries a failing job with backoff, then fails it with the last error', async () => {
    const job = await jobs.enqueue({ kind: 'flaky', payload: null, maxAttempts: 2 }, now);
    const worker = createJobWorker({
      jobs,
      clock,
      handlers: { flaky: async () => Promise.reject(new Error('disk full')) },
    });
    await worker.drain();
    let stored = await jobs.findById(job.id);
    expect(stored).toMatchObject({ status: 'queued', attempts: 1, last_error: 'disk full' });
    expect(Date.parse(stored!.run_after)).toBeGreaterThan(now.getTime());
    await worker.drain();
    expect((await jobs.findById(job.id))?.attempts).toBe(1);
    now = new Date(now.getTime() + 60_000);
    await worker.drain();
    stored = await jobs.findById(job.id);
    expect(stored).toMatchObject({ status: 'failed', attempts: 2, last_error: 'disk full' });
  });

  it("gives a crashed worker's job to another worker once its lease runs out", async () => {
    const job = await jobs.enqueue({ kind: 'ingest', payload: { document: 'b' } }, now);
    // Worker A claims the job and dies without a word (kill -9): no completion, no heartbeat.
    const claimed = await jobs.claim('worker-a', ['ingest'], 30_000, now);
    expect(claimed?.id).toBe(job.id);
    const ran: string[] = [];
    const workerB = createJobWorker({
      jobs,
      clock,
      workerId: 'worker-b',
      handlers: { ingest: async () => void ran.push('b') },
    });
    await workerB.drain();
    expect(ran).toEqual([]);
    now = new Date(now.getTime() + 31_000);
    await workerB.drain();
    expect(ran).toEqual(['b']);
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'done', attempts: 2 });
    // A late completion from the dead worker changes nothing.
    await jobs.complete(job.id, 'worker-a', now);
    expect((await jobs.findById(job.id))?.status).toBe('done');
  });

  it('polls an empty queue for a long time without piling listeners on its stop signal', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const worker = createJobWorker({ jobs, clock, pollMs: 1, handlers: { ingest: async () => undefined } });
      worker.start();
      // Dozens of idle polls: each used to leave one 'abort' listener behind (Node warns at 11).
      await new Promise((resolve) => setTimeout(resolve, 150));
      await worker.stop();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });
});
