/** One watched signal: the waiters it may abort, and the one listener registered for them all. */
interface Watched<W> {
  readonly waiters: Set<W>;
  readonly listener: () => void;
}

/**
 * Watches abort signals on behalf of waiters, with one `abort` listener per signal however many
 * waiters share it, removed as soon as the signal's last waiter is served or gone. A listener per
 * waiter, left behind once the waiter was served, piles up on a long-lived signal (a batch job's, a
 * terminal session's) and keeps every served waiter's closure alive; many waiters sharing one signal
 * would pass Node's MaxListenersExceededWarning threshold (10) even while all of them are valid.
 */
export class AbortWatch<W> {
  private readonly watched = new Map<AbortSignal, Watched<W>>();

  constructor(
    /** Called once per waiter still watched when its signal aborts. */
    private readonly onAbort: (waiter: W, reason: unknown) => void,
  ) {}

  /** Starts watching `signal` for `waiter`; the signal gets a listener only if it has none from us yet. */
  add(signal: AbortSignal, waiter: W): void {
    const known = this.watched.get(signal);
    if (known) {
      known.waiters.add(waiter);
      return;
    }
    const waiters = new Set<W>([waiter]);
    const listener = () => {
      this.watched.delete(signal);
      for (const each of waiters) this.onAbort(each, signal.reason);
    };
    this.watched.set(signal, { waiters, listener });
    signal.addEventListener('abort', listener, { once: true });
  }

  /** Stops watching for `waiter` (it was served); the listener goes with the signal's last waiter. */
  delete(signal: AbortSignal, waiter: W): void {
    const known = this.watched.get(signal);
    if (!known?.waiters.delete(waiter) || known.waiters.size > 0) return;
    signal.removeEventListener('abort', known.listener);
    this.watched.delete(signal);
  }
}
