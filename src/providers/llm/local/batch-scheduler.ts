/**
 * Keeps concurrent sequences in step so they share one llama.cpp decode per token.
 *
 * node-llama-cpp decodes whatever is queued the moment the previous batch finishes. With four
 * streams, one sequence regularly queues a moment later than the others, is decoded alone, and from
 * then on the streams alternate between a batch of three and a batch of one: two decodes per round
 * instead of one (measured: aggregate 1.3x a single stream instead of 2x+). This scheduler is a
 * barrier: a generating sequence asks for its next token only when every generating sequence has
 * asked, or after a wait of 1.5 decode steps (measured as it goes), so a sequence that is busy with a
 * long prompt never holds the others back for long.
 */
export interface BatchScheduler {
  /** Passed to createContext({ batching: { dispatchSchedule } }). */
  readonly dispatchSchedule: (dispatch: () => void) => void;
  /** A sequence starts generating. */
  enter(): void;
  /** A sequence stopped generating. */
  leave(): void;
  /** Resolves when this sequence may queue its next token (all generating sequences are ready). */
  turn(): Promise<void>;
}

/** Creates a scheduler; the wait for stragglers adapts to the decode step time, within the bounds. */
export function createBatchScheduler(bounds = { minWaitMs: 5, maxWaitMs: 1000 }): BatchScheduler {
  let generating = 0;
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastRelease = 0;
  let stepMs = 50;

  const wait = () => Math.min(bounds.maxWaitMs, Math.max(bounds.minWaitMs, stepMs * 1.5));
  const releaseAll = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    lastRelease = performance.now();
    const released = waiting;
    waiting = [];
    for (const release of released) release();
  };
  const check = () => {
    if (waiting.length > 0 && waiting.length >= generating) releaseAll();
  };

  return {
    // Everyone queued in the same turn, so dispatching on the next cycle batches them together.
    dispatchSchedule: (dispatch) => void setImmediate(dispatch),
    enter: () => {
      generating += 1;
    },
    leave: () => {
      generating = Math.max(0, generating - 1);
      check();
    },
    turn: () =>
      new Promise<void>((resolve) => {
        // The first arrival after a release marks the end of one decode step.
        if (waiting.length === 0 && lastRelease > 0)
          stepMs = 0.8 * stepMs + 0.2 * (performance.now() - lastRelease);
        waiting.push(resolve);
        if (waiting.length >= generating) releaseAll();
        else timer ??= setTimeout(releaseAll, wait());
      }),
  };
}
