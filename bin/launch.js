// The launcher proper, imported by bin/privatestack.js only after the Node.js version check passed
// (so this file may use any syntax the supported Node.js versions parse).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'privatestack is not built yet: run `npm run build` (or `npm start`, which builds and serves)\n',
  );
  process.exit(1);
}

// glibc gives every thread that allocates its own heap arena (up to 8 per core) and rarely returns
// them. Capping arenas at 4 (the main thread, two compute threads, one spare) saves a few tens of
// MiB without slowing decoding; 2 saved more but cost ~5% decode speed to malloc lock contention
// (measured, docs/decisions/0001). The variable only works at process start, so the launcher
// re-executes itself once with it set.
if (process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_ARENA_MAX: '4' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) =>
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)),
  );
} else {
  const { runCli } = await import(entry.href);
  await runCli(process.argv);
}
