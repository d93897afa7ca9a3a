import { AppError } from '../../../shared/errors.js';
import { AbortWatch } from './abort-watch.js';
import { FairQueue } from './fair-queue.js';

/** A reusable worker (a context sequence) that remembers whose conversation its cache holds. */
export interface Slot<T> {
  readonly resource: T;
  /** The conversation whose tokens this slot's KV cache holds. */
  cacheKey?: string;
  busy: boolean;
  lastUsed: number;
}

interface Waiter<T> {
  readonly cacheKey?: string;
  readonly fairnessKey: string;
  readonly signal?: AbortSignal;
  readonly resolve: (slot: Slot<T>) => void;
  readonly reject: (error: unknown) => void;
}

/** Requests without a fairness key share one turn in the queue. */
const ANONYMOUS = '';

/**
 * Hands out a fixed set of slots with a bounded wait queue that takes turns between fairness keys
 * (users), FIFO within one key. A conversation gets back the slot that still holds its cache when that
 * slot is free; otherwise an empty or least recently used one.
 */
export class SlotPool<T> {
  private readonly slots: Slot<T>[];
  private readonly waiters = new FairQueue<Waiter<T>>();
  /** Aborts leave the queue at once; a served waiter stops listening to its signal. */
  private readonly watch = new AbortWatch<Waiter<T>>((waiter, reason) => {
    if (this.waiters.remove(waiter.fairnessKey, waiter))
      waiter.reject(reason instanceof Error ? reason : new Error('aborted'));
  });
  private clock = 0;

  constructor(
    resources: readonly T[],
    private readonly queueLimit: number,
    /** Seconds a client is told to wait when the queue is full. */
    private readonly retryAfterSeconds = 2,
  ) {
    this.slots = resources.map((resource) => ({ resource, busy: false, lastUsed: 0 }));
  }

  /** Busy slots. */
  get active(): number {
    return this.slots.filter((slot) => slot.busy).length;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiters.size;
  }

  /** All slots (for disposal). */
  get all(): readonly Slot<T>[] {
    return this.slots;
  }

  /**
   * Waits for a slot, in turn with other fairness keys (users); rejects with MODEL_BUSY when the queue
   * is full, or with the signal's reason.
   */
  acquire(cacheKey: string | undefined, signal?: AbortSignal, fairnessKey = ANONYMOUS): Promise<Slot<T>> {
    signal?.throwIfAborted();
    const free = this.pickFree(cacheKey);
    if (free) {
      this.waiters.served(fairnessKey);
      return Promise.resolve(this.take(free, cacheKey));
    }
    if (this.waiters.size >= this.queueLimit) {
      return Promise.reject(this.busy());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = { cacheKey, fairnessKey, signal, resolve, reject };
      this.waiters.push(fairnessKey, waiter);
      if (signal) this.watch.add(signal, waiter);
    });
  }

  /** Returns a slot; the waiter whose turn it is (if any) gets it at once. */
  release(slot: Slot<T>): void {
    slot.busy = false;
    slot.lastUsed = ++this.clock;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    if (waiter.signal) this.watch.delete(waiter.signal, waiter);
    waiter.resolve(this.take(slot, waiter.cacheKey));
  }

  /** Forgets which conversation a slot's cache holds (after its cache was cleared or is unreliable). */
  forget(slot: Slot<T>): void {
    slot.cacheKey = undefined;
  }

  private busy(): AppError {
    return new AppError('MODEL_BUSY', 'The model is busy; try again shortly', {
      retryable: true,
      retryAfterSeconds: this.retryAfterSeconds,
    });
  }

  private pickFree(cacheKey: string | undefined): Slot<T> | undefined {
    const free = this.slots.filter((slot) => !slot.busy);
    if (free.length === 0) return undefined;
    const own = cacheKey === undefined ? undefined : free.find((slot) => slot.cacheKey === cacheKey);
    return (
      own ??
      free.find((slot) => slot.cacheKey === undefined) ??
      free.sort((a, b) => a.lastUsed - b.lastUsed)[0]
    );
  }

  private take(slot: Slot<T>, cacheKey: string | undefined): Slot<T> {
    slot.busy = true;
    if (slot.cacheKey !== cacheKey) slot.cacheKey = undefined;
    return slot;
  }
}
