/**
 * Runs a parser of user files in a child Node process with limits the kernel enforces, so a hostile file can
 * cost a failed job but never the server: a V8 heap cap (--max-old-space-size), a data-segment limit
 * (RLIMIT_DATA through prlimit: heap, ArrayBuffers, WebAssembly memory and malloc alike — an address-space
 * limit would break WebAssembly, which reserves large ranges it never touches), a CPU-time limit
 * (RLIMIT_CPU, which ends even an orphaned child), an RSS watchdog as a fallback where prlimit is missing,
 * a wall-clock timeout, a cap on the reply while it streams, and a per-process concurrency semaphore.
 *
 * Protocol: the parent writes the task's input as one JSON line on the child's stdin and keeps stdin open
 * (the child exits when it closes, i.e. when the parent died); the child writes one JSON reply to stdout
 * (see sandbox-child.ts). The child leads its own process group, which is killed whenever a run ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findOnPath, killGroup, memoryOf } from './process-tools.js';
import { createSemaphore, type Semaphore } from './semaphore.js';

/** Resource limits of one sandboxed run. */
export interface SandboxLimits {
  /** V8 old-generation heap cap of the child (--max-old-space-size), in MiB. */
  readonly heapMb: number;
  /** Kernel data-segment limit of the child (RLIMIT_DATA), in MiB: everything it allocates, off-heap too. */
  readonly dataMb: number;
  /** Resident memory (VmRSS) at which the watchdog kills the child, in MiB. */
  readonly rssMb: number;
  /** Wall-clock limit, in milliseconds. */
  readonly timeoutMs: number;
  /** Most bytes the child may write as its reply; the parent never holds more. */
  readonly maxReplyBytes: number;
}

/** Why a run was stopped (the child's own errors come back as a reply instead). */
export type SandboxFailureKind = 'memory' | 'timeout' | 'reply-too-large' | 'crashed';

/** A run the sandbox stopped or that died; `kind` says which limit, `message` is for logs. */
export class SandboxFailure extends Error {
  constructor(
    readonly kind: SandboxFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxFailure';
  }
}

/** What the child answered: its result, or the error its task threw (`code` set for AppErrors). */
export type SandboxReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code?: string; readonly message: string };

/** One run: the child's entry module, its input and its limits. */
export interface SandboxTask {
  /** Entry module calling serveSandboxTask; a .ts file runs through tsx's loader, a .js file directly. */
  readonly entry: URL;
  /** Sent to the child as JSON. */
  readonly input: unknown;
  readonly limits: SandboxLimits;
  /** Aborting kills the child and rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** Runs sandboxed tasks, at most `concurrency` at a time. */
export interface Sandbox {
  /** Waits for a permit, runs the task in a fresh child; rejects with SandboxFailure when a limit stopped it. */
  run(task: SandboxTask): Promise<SandboxReply>;
  /** The permits (shared by every caller of this sandbox). */
  readonly semaphore: Semaphore;
  /** Whether kernel limits (prlimit) are applied, or only the heap cap and the watchdogs. */
  readonly kernelLimits: boolean;
}

/** How a sandbox is built. */
export interface SandboxOptions {
  /** Children running at once (EXTRACTION_CONCURRENCY). */
  readonly concurrency: number;
  /** Told once when prlimit is missing, so kernel limits cannot be applied. */
  readonly onWarning?: (message: string) => void;
  /** prlimit executable; found on PATH by default, null to run without it (tests of the fallback). */
  readonly prlimitPath?: string | null;
}

const MIB = 1024 * 1024;
const RSS_POLL_MS = 100;
const STDERR_TAIL_BYTES = 8192;
const KILL_WAIT_MS = 2000;
/** A child killed by a signal after using this share of a memory limit is reported as out of memory. */
const MEMORY_DEATH_SHARE = 0.5;
/** Parent environment the child gets: never secrets (JWT_SECRET, API keys, passwords) a parser could leak. */
const CHILD_ENV_KEYS = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'MALLOC_ARENA_MAX', 'NODE_ENV'];
const OUT_OF_MEMORY =
  /out of memory|allocation failed|cannot allocate memory|bad_alloc|RangeError: Array buffer allocation/i;
/** Children alive in this process, killed if it exits without their runs settling. */
const live = new Set<number>();

/** A sandbox whose runs share one semaphore of `options.concurrency` permits. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const semaphore = createSemaphore(options.concurrency);
  const prlimit = options.prlimitPath === undefined ? findOnPath('prlimit') : options.prlimitPath;
  if (!prlimit) {
    options.onWarning?.(
      'prlimit (util-linux) not found: sandboxed parsers run without a kernel data-segment or CPU limit, ' +
        'guarded only by their heap cap, the RSS watchdog and the time limit',
    );
  }
  return {
    semaphore,
    kernelLimits: Boolean(prlimit),
    run: async (task) => {
      const release = await semaphore.acquire(task.signal);
      try {
        return await runChild(task, prlimit ?? undefined);
      } finally {
        release();
      }
    },
  };
}

function runChild(task: SandboxTask, prlimit: string | undefined): Promise<SandboxReply> {
  task.signal?.throwIfAborted();
  const { limits } = task;
  const child = spawnChild(task, prlimit);
  const pid = child.pid;
  if (pid === undefined) {
    // Not started (no such executable, no processes left): spawn reports why through 'error'.
    return new Promise((_resolve, reject) =>
      child.once('error', (error) =>
        reject(new SandboxFailure('crashed', `could not start: ${error.message}`)),
      ),
    );
  }
  live.add(pid);
  return new Promise<SandboxReply>((resolve, reject) => {
    let stopped: Error | undefined;
    const stop = (error: Error) => {
      stopped ??= error;
      killGroup(pid);
      // 'close' settles the run; never wait on a stuck child forever.
      setTimeout(() => finish(), KILL_WAIT_MS).unref();
    };
    const output = collectOutput(child, limits.maxReplyBytes, () =>
      stop(new SandboxFailure('reply-too-large', `reply over ${limits.maxReplyBytes} bytes`)),
    );
    const memory = watchMemory(pid, limits, () =>
      stop(new SandboxFailure('memory', `resident memory over ${limits.rssMb} MiB`)),
    );
    const timer = setTimeout(
      () => stop(new SandboxFailure('timeout', `took longer than ${limits.timeoutMs / 1000} s`)),
      limits.timeoutMs,
    );
    const onAbort = () => stop(task.signal!.reason as Error);
    task.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (code?: number | null, signal?: NodeJS.Signals | null) => {
      if (!live.delete(pid)) return;
      clearTimeout(timer);
      memory.stop();
      task.signal?.removeEventListener('abort', onAbort);
      killGroup(pid); // anything the child left behind in its group
      if (stopped) return reject(stopped);
      const reply = parseReply(output.reply());
      if (reply) return resolve(reply);
      reject(deathCause(code, signal, output.stderrTail(), memory.peakShare()));
    };
    child.on('error', (error) => stop(new SandboxFailure('crashed', `could not start: ${error.message}`)));
    child.on('close', finish);
    child.stdin!.write(`${JSON.stringify(task.input)}\n`);
  });
}

/** Keeps the child's stdout up to `maxBytes` (calling `onOverflow` past it) and the tail of its stderr. */
function collectOutput(child: ChildProcess, maxBytes: number, onOverflow: () => void) {
  let chunks: Buffer[] = [];
  let bytes = 0;
  let overflowed = false;
  let stderrTail = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    if (overflowed) return;
    bytes += chunk.length;
    if (bytes <= maxBytes) return void chunks.push(chunk);
    overflowed = true;
    chunks = []; // drop what was held: never more than maxBytes, and nothing once over
    onOverflow();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  child.stdin!.on('error', () => undefined); // EPIPE when the child died before reading its input
  return { reply: () => Buffer.concat(chunks), stderrTail: () => stderrTail };
}

/**
 * Polls the child's memory: kills it (through `onOver`) past its RSS limit, and remembers the highest share
 * of its data or RSS limit it was seen using, which tells a death by memory from a crash.
 */
function watchMemory(pid: number, limits: SandboxLimits, onOver: () => void) {
  let peak = 0;
  const timer = setInterval(() => {
    const usage = memoryOf(pid);
    if (!usage) return;
    peak = Math.max(peak, usage.data / (limits.dataMb * MIB), usage.rss / (limits.rssMb * MIB));
    if (usage.rss > limits.rssMb * MIB) onOver();
  }, RSS_POLL_MS);
  return { stop: () => clearInterval(timer), peakShare: () => peak };
}

function spawnChild(task: SandboxTask, prlimit: string | undefined): ChildProcess {
  const { limits } = task;
  const fromSource = task.entry.pathname.endsWith('.ts');
  const nodeArgs = [
    `--max-old-space-size=${limits.heapMb}`,
    ...(fromSource ? ['--import', tsxLoaderUrl()] : []),
    fileURLToPath(task.entry),
  ];
  // CPU time may outrun the wall clock (GC threads), so its cap is looser: it only has to end an orphan.
  const cpuSeconds = Math.ceil((limits.timeoutMs * 2) / 1000) + 5;
  const [command, args] = prlimit
    ? [
        prlimit,
        [
          `--data=${limits.dataMb * MIB}`,
          `--cpu=${cpuSeconds}:${cpuSeconds + 5}`,
          '--',
          process.execPath,
          ...nodeArgs,
        ],
      ]
    : [process.execPath, nodeArgs];
  return spawn(command, args, {
    // Its own process group, so killGroup reaches everything it starts.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: childEnv(),
    windowsHide: true,
  });
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of CHILD_ENV_KEYS) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

/** tsx's loader (its package entry), for children started from TypeScript sources (tests, `tsx` runs). */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function parseReply(output: Buffer): SandboxReply | undefined {
  if (output.length === 0) return undefined;
  try {
    const reply = JSON.parse(output.toString('utf8')) as Partial<Record<string, unknown>>;
    if (reply.ok === true && 'value' in reply) return { ok: true, value: reply.value };
    if (reply.ok === false && typeof reply.message === 'string') {
      return {
        ok: false,
        message: reply.message,
        code: typeof reply.code === 'string' ? reply.code : undefined,
      };
    }
  } catch {
    // a partial reply: the child died while writing it
  }
  return undefined;
}

/**
 * Why a child ended without a reply. Memory when V8 or the allocator said so, or when it died of a signal
 * near its limits: an allocation refused by RLIMIT_DATA can surface as SIGSEGV or SIGABRT in native code.
 */
function deathCause(
  code: number | null | undefined,
  signal: NodeJS.Signals | null | undefined,
  stderr: string,
  peakShare: number,
): SandboxFailure {
  if (signal === 'SIGXCPU') return new SandboxFailure('timeout', 'used up its CPU-time limit');
  if (OUT_OF_MEMORY.test(stderr) || (signal && peakShare >= MEMORY_DEATH_SHARE)) {
    return new SandboxFailure('memory', `ran out of memory (${signal ?? `exit code ${code}`})`);
  }
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  const last = stderr.trim().split('\n').at(-1)?.slice(0, 300);
  return new SandboxFailure('crashed', `exited without a reply (${how})${last ? `: ${last}` : ''}`);
}

// A server exiting (even through process.exit) takes its sandboxed children with it.
process.once('exit', () => {
  for (const pid of live) killGroup(pid);
});
