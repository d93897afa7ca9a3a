import { adminNotice, startRuntime, type Runtime } from '../bootstrap.js';
import { loadProcessConfig, type Config } from '../config/config.js';
import { formatTable } from './cli-format.js';

/** Loads config the same way the server does (environment plus ./.env). */
export function cliConfig(): Config {
  return loadProcessConfig();
}

/** Runs `work` with services started (model not loaded unless asked), then closes them. */
export async function withRuntime<T>(
  work: (runtime: Runtime) => Promise<T>,
  options: { loadModel?: boolean; log?: (message: string) => void } = {},
): Promise<T> {
  // Background jobs run only with the model (serve); other commands drain what they need themselves.
  const runtime = await startRuntime(cliConfig(), {
    loadModel: options.loadModel ?? false,
    log: options.log,
  });
  const notice = adminNotice(runtime.admin);
  if (notice) process.stderr.write(notice);
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Prints rows as an aligned plain-text table. */
export function printTable(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])));
  process.stdout.write(formatTable(columns, cells));
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
