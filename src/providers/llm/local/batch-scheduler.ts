/**
 * Keeps concurrent sequences in step so they share one llama.cpp decode per token.
 *
 * node-llama-cpp decodes whatever is queued the moment the previous batch finishes. With four
 * streams, one sequence regularly queues a moment later than the others, is decoded alone, and from
 * then on the streams alternate between a batch of three and a batch of one: two decodes per round
 * instead of one (measured: aggregate 1.3x a single stream instead of 2x+). This scheduler is a
 * barrier: a generating sequence asks for its next token only when every generating sequence has
 * asked (or after `maxWaitMs`, so a slow consumer never stalls the others for long).
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

/** Creates a scheduler; `maxWaitMs` bounds how long a ready sequence waits for the others. */
export function createBatchScheduler(maxWaitMs = 250): BatchScheduler {
  let generating = 0;
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;

  const releaseAll = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
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
        waiting.push(resolve);
        if (waiting.length >= generating) releaseAll();
        else timer ??= setTimeout(releaseAll, maxWaitMs);
      }),
  };
}
