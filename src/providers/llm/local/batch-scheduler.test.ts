import { describe, expect, it } from 'vitest';
import { createBatchScheduler } from './batch-scheduler.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('batch scheduler', () => {
  it('releases sequences together once every generating sequence is ready', async () => {
    const scheduler = createBatchScheduler();
    scheduler.enter();
    scheduler.enter();
    const released: string[] = [];
    const first = scheduler.turn().then(() => released.push('first'));
    await tick(1);
    expect(released).toEqual([]);
    const second = scheduler.turn().then(() => released.push('second'));
    await Promise.all([first, second]);
    expect(released.sort()).toEqual(['first', 'second']);
  });

  it('does not wait for a sequence that left', async () => {
    const scheduler = createBatchScheduler();
    scheduler.enter();
    scheduler.enter();
    const waiting = scheduler.turn();
    scheduler.leave();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('stops waiting for a straggler after a bounded time', async () => {
    const scheduler = createBatchScheduler({ minWaitMs: 5, maxWaitMs: 20 });
    scheduler.enter();
    scheduler.enter();
    // The second sequence never asks; without the bound this would wait forever.
    await expect(scheduler.turn()).resolves.toBeUndefined();
  });
});
