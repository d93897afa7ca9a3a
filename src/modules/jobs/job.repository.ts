import type { Kysely, Selectable } from 'kysely';
import type { Database, JobsTable } from '../../db/tables.js';

/** A stored job. */
export type JobRow = Selectable<JobsTable>;

/** What to enqueue. */
export interface NewJob {
  readonly kind: string;
  readonly payload: unknown;
  /** At most one job per key exists (e.g. one ingestion per document). */
  readonly dedupeKey?: string;
  readonly maxAttempts?: number;
  readonly runAfter?: Date;
}

/**
 * Typed SQL for the durable job queue. Jobs are claimed with a lease; a worker that dies (kill -9)
 * stops renewing it, and recoverExpired() puts its jobs back in the queue.
 * SQLite serialises the claim transaction; on PostgreSQL the select will use FOR UPDATE SKIP LOCKED.
 */
export function createJobRepository(db: Kysely<Database>) {
  return {
    /** Adds a job, or returns the existing one with the same dedupe key. */
    enqueue: async (job: NewJob, now: Date): Promise<JobRow> => {
      const row: JobRow = {
        id: crypto.randomUUID(),
        kind: job.kind,
        payload: JSON.stringify(job.payload ?? null),
        dedupe_key: job.dedupeKey ?? null,
        status: 'queued',
        attempts: 0,
        max_attempts: job.maxAttempts ?? 3,
        run_after: (job.runAfter ?? now).toISOString(),
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      await db
        .insertInto('jobs')
        .values(row)
        .onConflict((conflict) => conflict.column('dedupe_key').doNothing())
        .execute();
      const query = db.selectFrom('jobs').selectAll();
      return await (
        job.dedupeKey ? query.where('dedupe_key', '=', job.dedupeKey) : query.where('id', '=', row.id)
      ).executeTakeFirstOrThrow();
    },

    /** Takes the oldest ready job of the given kinds for `workerId`, holding it until `now + leaseMs`. */
    claim: (workerId: string, kinds: readonly string[], leaseMs: number, now: Date) =>
      db.transaction().execute(async (trx) => {
        const next = await trx
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'queued')
          .where('kind', 'in', kinds)
          .where('run_after', '<=', now.toISOString())
          .orderBy('run_after')
          .orderBy('created_at')
          .limit(1)
          .executeTakeFirst();
        if (!next) return undefined;
        return trx
          .updateTable('jobs')
          .set((eb) => ({
            status: 'running',
            locked_by: workerId,
            locked_until: new Date(now.getTime() + leaseMs).toISOString(),
            attempts: eb('attempts', '+', 1),
            updated_at: now.toISOString(),
          }))
          .where('id', '=', next.id)
          .where('status', '=', 'queued')
          .returningAll()
          .executeTakeFirst();
      }),

    /** Extends a running job's lease; false when the worker no longer holds it. */
    heartbeat: async (id: string, workerId: string, until: Date) =>
      Number(
        (
          await db
            .updateTable('jobs')
            .set({ locked_until: until.toISOString() })
            .where('id', '=', id)
            .where('locked_by', '=', workerId)
            .where('status', '=', 'running')
            .executeTakeFirst()
        ).numUpdatedRows,
      ) === 1,

    /** Marks a job done. */
    complete: async (id: string, workerId: string, now: Date) => {
      await db
        .updateTable('jobs')
        .set({ status: 'done', locked_by: null, locked_until: null, updated_at: now.toISOString() })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    /** Records a failure: back in the queue at `retryAt` while attempts remain, else failed for good. */
    fail: async (job: JobRow, workerId: string, error: string, retryAt: Date, now: Date) => {
      const final = job.attempts >= job.max_attempts;
      await db
        .updateTable('jobs')
        .set({
          status: final ? 'failed' : 'queued',
          run_after: final ? job.run_after : retryAt.toISOString(),
          last_error: error.slice(0, 4000),
          locked_by: null,
          locked_until: null,
          updated_at: now.toISOString(),
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    /** Requeues running jobs whose lease ran out (their worker died); returns how many. */
    recoverExpired: async (now: Date) =>
      Number(
        (
          await db
            .updateTable('jobs')
            .set({ status: 'queued', locked_by: null, locked_until: null, updated_at: now.toISOString() })
            .where('status', '=', 'running')
            .where('locked_until', '<', now.toISOString())
            .executeTakeFirst()
        ).numUpdatedRows,
      ),

    /** Removes finished (done or failed) jobs with this key, so the same work can be queued again. */
    forgetFinished: async (dedupeKey: string) => {
      await db
        .deleteFrom('jobs')
        .where('dedupe_key', '=', dedupeKey)
        .where('status', 'in', ['done', 'failed'])
        .execute();
    },

    /** One job. */
    findById: (id: string) => db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst(),
  };
}

/** The job repository's shape. */
export type JobRepository = ReturnType<typeof createJobRepository>;
