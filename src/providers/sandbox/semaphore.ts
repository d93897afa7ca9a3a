/**
 * A counting semaphore with abortable waits, first come first served. Per process on purpose: it bounds how
 * many sandboxed parsers this machine's process runs at once (CPU and memory are per machine, not shared
 * state a second replica would need).
 */

/** Permits to run; `acquire` resolves with the function that gives the permit back. */
export interface Semaphore {
  /** Waits for a permit (rejects with `signal.reason` if aborted first); call the result exactly once. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Permits in use right now (for tests and diagnostics). */
  readonly active: number;
  /** Callers waiting for a permit. */
  readonly waiting: number;
}

/** A semaphore allowing `permits` holders at once (at least 1). */
export function createSemaphore(permits: number): Semaphore {
  const limit = Math.max(1, Math.floor(permits));
  const queue: (() => void)[] = [];
  let active = 0;

  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active -= 1;
  };
  const releaseOnce = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    acquire(signal) {
      signal?.throwIfAborted();
      if (active < limit) {
        active += 1;
        return Promise.resolve(releaseOnce());
      }
      return new Promise((resolve, reject) => {
        // The permit passes straight from the releasing holder to this waiter: `active` stays the same.
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(releaseOnce());
        };
        const onAbort = () => {
          queue.splice(queue.indexOf(grant), 1);
          reject(signal?.reason as Error);
        };
        queue.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
