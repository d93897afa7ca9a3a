import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { SlotPool } from './slot-pool.js';

describe('SlotPool', () => {
  it('gives a conversation back the slot that holds its cache, not the least recently used one', async () => {
    const pool = new SlotPool(['a', 'b', 'c'], 4);
    for (const conversation of ['c1', 'c2', 'c3']) {
      const slot = await pool.acquire(conversation);
      slot.cacheKey = conversation;
      pool.release(slot);
    }
    // Least recently used is c1's slot "a"; c3 must still get its own "c".
    expect((await pool.acquire('c3')).resource).toBe('c');
    expect((await pool.acquire('new conversation')).resource).toBe('a');
  });

  it('queues beyond capacity, serves FIFO, and answers MODEL_BUSY with Retry-After when the queue is full', async () => {
    const pool = new SlotPool(['only'], 1, 3);
    const held = await pool.acquire('x');
    const waiting = pool.acquire('y');
    const rejected = await pool.acquire('z').catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(AppError);
    expect((rejected as AppError).code).toBe('MODEL_BUSY');
    expect((rejected as AppError).status).toBe(503);
    expect((rejected as AppError).retryAfterSeconds).toBe(3);
    expect(pool.queued).toBe(1);
    pool.release(held);
    expect((await waiting).resource).toBe('only');
  });

  it('serves waiting users in turn: a user who queued three requests does not push another user back', async () => {
    const pool = new SlotPool(['only'], 10);
    const served: string[] = [];
    const held = await pool.acquire(undefined, undefined, 'alice');
    const requests = [
      ['alice', 'a2'],
      ['alice', 'a3'],
      ['alice', 'a4'],
      ['bob', 'b1'],
      ['carol', 'c1'],
      ['bob', 'b2'],
    ];
    for (const [user, name] of requests) {
      void pool.acquire(undefined, undefined, user).then(() => served.push(name!));
    }
    // One slot: each release hands it to exactly one waiter, whose turn it is.
    for (const _ of requests) {
      pool.release(held);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Alice was just served (a1), so Bob and Carol go first; then turns alternate; FIFO within a user.
    expect(served).toEqual(['b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
    expect(pool.queued).toBe(0);
  });

  it('keeps an aborted user out of the turns and still serves the others in order', async () => {
    const pool = new SlotPool(['only'], 10);
    const held = await pool.acquire(undefined, undefined, 'alice');
    const controller = new AbortController();
    const bob = pool.acquire(undefined, controller.signal, 'bob');
    const alice = pool.acquire(undefined, undefined, 'alice');
    controller.abort(new Error('client left'));
    await expect(bob).rejects.toThrow('client left');
    pool.release(held);
    expect((await alice).resource).toBe('only');
    expect(pool.queued).toBe(0);
  });

  it('drops an aborted waiter from the queue', async () => {
    const pool = new SlotPool(['only'], 2);
    await pool.acquire(undefined);
    const controller = new AbortController();
    const waiting = pool.acquire(undefined, controller.signal);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(pool.queued).toBe(0);
  });
});

describe('SlotPool abort listeners', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });
  const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;
  // Node emits the warning on the next tick.
  const maxListenerWarnings = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning');
  };

  it('serves 50 waiters one by one on one long-lived signal and leaves it with no listener', async () => {
    const pool = new SlotPool(['only'], 1);
    const session = new AbortController();
    let held = await pool.acquire(undefined, session.signal);
    for (let index = 0; index < 50; index++) {
      const waiting = pool.acquire(undefined, session.signal);
      expect(abortListeners(session.signal)).toBe(1);
      pool.release(held);
      held = await waiting;
      expect(abortListeners(session.signal)).toBe(0);
    }
    expect(await maxListenerWarnings()).toEqual([]);
  });

  it('listens once to a signal that 40 waiting requests share, and stops when the last is served', async () => {
    const pool = new SlotPool(['a', 'b'], 100);
    const batch = new AbortController();
    const held = [await pool.acquire(undefined), await pool.acquire(undefined)];
    const waiting = Array.from({ length: 40 }, () => pool.acquire(undefined, batch.signal));
    expect(abortListeners(batch.signal)).toBe(1);
    for (let index = 0; index < 40; index++) {
      pool.release(held[index % 2]!);
      held[index % 2] = await waiting[index]!;
      expect(abortListeners(batch.signal)).toBe(index < 39 ? 1 : 0);
    }
    expect(pool.queued).toBe(0);
    expect(await maxListenerWarnings()).toEqual([]);
  });

  it('rejects every waiter of an aborted shared signal, keeps others waiting, and removes the listener', async () => {
    const pool = new SlotPool(['only'], 100);
    const held = await pool.acquire(undefined);
    const batch = new AbortController();
    const other = new AbortController();
    const aborted = Array.from({ length: 20 }, () => pool.acquire(undefined, batch.signal, 'batch'));
    const kept = pool.acquire(undefined, other.signal, 'other');
    batch.abort(new Error('batch cancelled'));
    const outcomes = await Promise.allSettled(aborted);
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect((outcomes[0] as PromiseRejectedResult).reason).toEqual(new Error('batch cancelled'));
    expect(pool.queued).toBe(1);
    expect(abortListeners(batch.signal)).toBe(0);
    pool.release(held);
    expect((await kept).resource).toBe('only');
    expect(abortListeners(other.signal)).toBe(0);
    expect(await maxListenerWarnings()).toEqual([]);
  });
});
