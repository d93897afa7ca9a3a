import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, SandboxFailure, type SandboxLimits } from './sandboxed-process.js';

const ENTRY = new URL('../../../test/fixtures/sandbox-task.child.ts', import.meta.url);
const MIB = 1024 * 1024;
const LIMITS: SandboxLimits = { heapMb: 64, dataMb: 256, rssMb: 320, timeoutMs: 15_000, maxReplyBytes: MIB };
const sandbox = createSandbox({ concurrency: 1 });
const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (input: Record<string, unknown>, limits: Partial<SandboxLimits> = {}, signal?: AbortSignal) =>
  sandbox.run({ entry: ENTRY, input, limits: { ...LIMITS, ...limits }, signal });

async function outcome(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { ms: Date.now() - started, error };
}

const failure = (kind: SandboxFailure['kind']) => expect.objectContaining({ name: 'SandboxFailure', kind });
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(statusOf(pid));
const statusOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return '';
  }
};

describe('sandboxed process', () => {
  it('applies kernel limits where prlimit exists (util-linux on Debian)', () => {
    expect(sandbox.kernelLimits).toBe(true);
  });

  it('runs the task in another process and returns its reply; its errors come back as replies', async () => {
    const reply = await run({ mode: 'echo', text: 'héllo' });
    expect(reply).toEqual({
      ok: true,
      value: { input: { mode: 'echo', text: 'héllo' }, pid: expect.any(Number) },
    });
    expect((reply as { value: { pid: number } }).value.pid).not.toBe(process.pid);
    expect(await run({ mode: 'reject' })).toEqual({
      ok: false,
      code: 'FILE_REJECTED',
      message: 'not this file',
    });
  });

  it('passes no secrets from the server environment to the parser', async () => {
    process.env.SANDBOX_TEST_SECRET = 'hunter2';
    try {
      const reply = (await run({ mode: 'env' })) as { value: string[] };
      expect(reply.value).not.toContain('SANDBOX_TEST_SECRET');
      expect(
        reply.value.every((key) =>
          ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'MALLOC_ARENA_MAX', 'NODE_ENV'].includes(key),
        ),
      ).toBe(true);
    } finally {
      delete process.env.SANDBOX_TEST_SECRET;
    }
  });

  it('stops a child that outgrows its heap cap', async () => {
    expect((await outcome(run({ mode: 'heap' }))).error).toEqual(failure('memory'));
  });

  it('stops a child whose memory outside the heap outgrows the kernel data limit', async () => {
    const before = process.memoryUsage.rss();
    const { error, ms } = await outcome(run({ mode: 'buffers' }));
    expect(error).toEqual(failure('memory'));
    expect(ms).toBeLessThan(10_000);
    // The memory was the child's: this process did not grow with it.
    expect(process.memoryUsage.rss() - before).toBeLessThan(50 * MIB);
  });

  it('without prlimit, the RSS watchdog stops it instead (and says so once)', async () => {
    const warnings: string[] = [];
    const fallback = createSandbox({ concurrency: 1, prlimitPath: null, onWarning: (m) => warnings.push(m) });
    expect(fallback.kernelLimits).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/^prlimit \(util-linux\) not found/)]);
    const { error } = await outcome(
      fallback.run({
        entry: ENTRY,
        input: { mode: 'buffers' },
        limits: { ...LIMITS, dataMb: 4096, rssMb: 200 },
      }),
    );
    expect(error).toEqual(
      expect.objectContaining({ kind: 'memory', message: 'resident memory over 200 MiB' }),
    );
  });

  it('kills a child that runs past its time limit', async () => {
    const { error, ms } = await outcome(run({ mode: 'spin' }, { timeoutMs: 1500 }));
    expect(error).toEqual(failure('timeout'));
    expect(ms).toBeLessThan(4000);
  });

  it('stops reading a reply over its cap', async () => {
    expect((await outcome(run({ mode: 'big-reply', size: 2 * MIB }))).error).toEqual(
      failure('reply-too-large'),
    );
    expect(await run({ mode: 'big-reply', size: 1000 })).toEqual({ ok: true, value: 'x'.repeat(1000) });
  });

  it('reports a child that exits without a reply as crashed', async () => {
    expect((await outcome(run({ mode: 'exit' }))).error).toEqual(
      expect.objectContaining({ kind: 'crashed', message: 'exited without a reply (exit code 3)' }),
    );
  });

  it('kills the whole process group on abort and on timeout: no orphans', async () => {
    for (const stopBy of ['abort', 'timeout'] as const) {
      const file = path.join(dir, `${stopBy}.pid`);
      const controller = new AbortController();
      const work = run(
        { mode: 'grandchild', file },
        { timeoutMs: stopBy === 'timeout' ? 3000 : 15_000 },
        controller.signal,
      );
      while (!existsSync(file) || readFileSync(file, 'utf8') === '')
        await new Promise((r) => setTimeout(r, 50));
      const grandchild = Number(readFileSync(file, 'utf8'));
      expect(alive(grandchild)).toBe(true);
      if (stopBy === 'abort') controller.abort(new Error('shutting down'));
      const { error } = await outcome(work);
      expect(error).toEqual(stopBy === 'abort' ? new Error('shutting down') : failure('timeout'));
      await new Promise((r) => setTimeout(r, 200));
      expect(alive(grandchild)).toBe(false);
    }
  });

  it('runs at most `concurrency` children at once; a waiting run can be aborted', async () => {
    const finished: number[] = [];
    const slow = run({ mode: 'spin' }, { timeoutMs: 1500 });
    await new Promise((r) => setTimeout(r, 100));
    expect(sandbox.semaphore.active).toBe(1);
    const controller = new AbortController();
    const queued = run({ mode: 'echo' }, {}, controller.signal);
    expect(sandbox.semaphore.waiting).toBe(1);
    controller.abort(new Error('deleted'));
    await expect(queued).rejects.toThrow('deleted');
    const next = run({ mode: 'echo' }).then(() => finished.push(Date.now()));
    expect(sandbox.semaphore.waiting).toBe(1);
    const spinEnded = await outcome(slow).then(() => Date.now());
    await next;
    expect(finished[0]).toBeGreaterThanOrEqual(spinEnded);
    expect(sandbox.semaphore.active).toBe(0);
  });
});
