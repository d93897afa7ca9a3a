import { describe, expect, it } from 'vitest';
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
