import type { JobRepository, JobRow } from './job.repository.js';

/** What a handler gets besides the payload. */
export interface JobContext {
  readonly job: JobRow;
  /** Aborted when the worker stops (shutdown): finish or give up quickly. */
  readonly signal: AbortSignal;
}

/** Runs one kind of job; throwing schedules a retry (or fails the job after its last attempt). */
export type JobHandler = (payload: unknown, context: JobContext) => Promise<void>;

/** How a worker polls and holds jobs. */
export interface JobWorkerOptions {
  readonly jobs: JobRepository;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly workerId?: string;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly clock?: () => Date;
  /** Called when a handler fails, for logging. */
  readonly onError?: (job: JobRow, error: unknown) => void;
}

/**
 * Polls the queue and runs one job at a time, renewing its lease while it runs. Started at boot;
 * a previous process's expired leases are requeued first, so nothing stays stuck in `running`.
 */
export function createJobWorker(options: JobWorkerOptions) {
  const { jobs, handlers } = options;
  const workerId = options.workerId ?? `worker-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const clock = options.clock ?? (() => new Date());
  const kinds = Object.keys(handlers);
  const controller = new AbortController();
  let loop: Promise<void> | undefined;

  const runOne = async (): Promise<boolean> => {
    await jobs.recoverExpired(clock());
    const job = await jobs.claim(workerId, kinds, leaseMs, clock());
    if (!job) return false;
    const renew = setInterval(() => {
      void jobs.heartbeat(job.id, workerId, new Date(clock().getTime() + leaseMs)).catch(() => undefined);
    }, leaseMs / 3);
    try {
      await handlers[job.kind]!(JSON.parse(job.payload) as unknown, { job, signal: controller.signal });
      await jobs.complete(job.id, workerId, clock());
    } catch (error) {
      options.onError?.(job, error);
      const backoffMs = Math.min(60_000, 1000 * 2 ** job.attempts);
      const message = error instanceof Error ? error.message : 'job failed';
      await jobs.fail(job, workerId, message, new Date(clock().getTime() + backoffMs), clock());
    } finally {
      clearInterval(renew);
    }
    return true;
  };

  let wakeUp: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // The signal lives as long as the worker: a listener left behind by every idle poll piles up
        // (Node warns at 11) and keeps each finished sleep's closure alive.
        controller.signal.removeEventListener('abort', done);
        wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeUp = done;
      controller.signal.addEventListener('abort', done, { once: true });
    });

  return {
    workerId,
    /** Runs queued jobs until none is ready; for tests and the CLI. */
    drain: async () => {
      while (await runOne()) {
        // keep going while there is work
      }
    },
    /** Starts polling in the background. */
    start: () => {
      loop ??= (async () => {
        while (!controller.signal.aborted) {
          const worked = await runOne().catch(() => false);
          if (!worked) await sleep(pollMs);
        }
      })();
    },
    /** Polls now instead of at the next interval (work was just queued in this process). */
    wake: () => wakeUp?.(),
    /** Stops polling and waits for the running job's handler to return. */
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}

/** The worker's shape. */
export type JobWorker = ReturnType<typeof createJobWorker>;
