/**
 * Decides when node-llama-cpp dispatches a batch. Its default ("next event-loop cycle") often
 * dispatches before every generating sequence has queued its next token, so concurrent streams
 * end up decoded in alternating small batches. This scheduler waits until all sequences that are
 * generating have queued (or a short deadline passes), so they share one decode.
 */
export interface BatchScheduler {
  /** Passed to createContext({ batching: { dispatchSchedule } }). */
  readonly dispatchSchedule: (dispatch: () => void) => void;
  /** A sequence starts a generation step loop. */
  enter(): void;
  /** A sequence finished generating. */
  leave(): void;
  /** A sequence is about to queue its next token. */
  willQueue(): void;
}

/** Creates a scheduler; `maxWaitMs` bounds how long a ready batch waits for slower sequences. */
export function createBatchScheduler(maxWaitMs = 4): BatchScheduler {
  let generating = 0;
  let queuedSinceDispatch = 0;
  let pending: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const fire = () => {
    if (!pending) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const dispatch = pending;
    pending = undefined;
    queuedSinceDispatch = 0;
    dispatch?.();
  };
  const check = () => {
    if (!pending) return;
    if (queuedSinceDispatch >= generating) setImmediate(fire);
    else timer ??= setTimeout(fire, maxWaitMs);
  };

  return {
    dispatchSchedule: (dispatch) => {
      pending = dispatch;
      check();
    },
    enter: () => {
      generating += 1;
    },
    leave: () => {
      generating = Math.max(0, generating - 1);
      check();
    },
    willQueue: () => {
      queuedSinceDispatch += 1;
      check();
    },
  };
}
