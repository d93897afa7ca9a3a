#!/usr/bin/env node
// Runs the built CLI (npm run build writes dist/). `npm start` builds first.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'privatestack is not built yet: run `npm run build` (or `npm start`, which builds and serves)\n',
  );
  process.exit(1);
}
const { runCli } = await import(entry.href);
await runCli(process.argv);
