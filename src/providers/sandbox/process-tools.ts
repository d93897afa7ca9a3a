/** Linux process helpers for the sandbox: process-group kill, memory from /proc, executables on PATH. */
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import path from 'node:path';

/** SIGKILLs the process group `pid` leads (the sandboxed child and anything it started). */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The child's resident memory and data segment from /proc (Linux); undefined elsewhere or once it is gone. */
export function memoryOf(pid: number): { rss: number; data: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    const data = /^VmData:\s+(\d+) kB/m.exec(status)?.[1];
    return rss === undefined ? undefined : { rss: Number(rss) * 1024, data: Number(data ?? 0) * 1024 };
  } catch {
    return undefined;
  }
}

/** The executable `name` on PATH (or in /usr/bin, /bin), if there is one. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat('/usr/bin', '/bin')) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
