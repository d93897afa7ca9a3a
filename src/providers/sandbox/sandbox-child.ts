/**
 * The child's half of the sandbox protocol (sandboxed-process.ts): read the input line from stdin, run the
 * task, write one JSON reply to stdout, exit. The child also exits as soon as stdin closes — the parent is
 * gone — so an orphan stops at its next turn of the event loop (and the kernel CPU limit ends a busy one).
 */
import { AppError } from '../../shared/errors.js';
import type { SandboxReply } from './sandboxed-process.js';

/** Exit code of a child whose parent went away before it finished. */
const PARENT_GONE = 70;

/** Serves one sandboxed task in this process (the child's entry module calls it once). */
export async function serveSandboxTask(task: (input: unknown) => Promise<unknown>): Promise<void> {
  const input = await readInputLine();
  process.stdin.on('end', () => process.exit(PARENT_GONE));
  process.stdin.resume();
  let reply: SandboxReply;
  try {
    reply = { ok: true, value: await task(input) };
  } catch (error) {
    reply =
      error instanceof AppError
        ? { ok: false, code: error.code, message: error.message }
        : { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  process.stdout.write(JSON.stringify(reply), () => process.exit(0));
}

function readInputLine(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end === -1) return;
      process.stdin.off('data', onData);
      process.stdin.pause();
      try {
        resolve(JSON.parse(buffered.slice(0, end)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', () => process.exit(PARENT_GONE));
  });
}
