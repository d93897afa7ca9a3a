import { adminNotice, startRuntime, type Runtime } from '../bootstrap.js';
import { loadProcessConfig, type Config } from '../config/config.js';
import type { Principal } from '../modules/auth/auth.service.js';
import { formatTable } from './cli-format.js';

/** Loads config the same way the server does (environment plus ./.env). */
export function cliConfig(): Config {
  return loadProcessConfig();
}

/**
 * Who the account and model commands act as: the machine's operator, with the admin role, through
 * the same service checks as the API. Whoever runs the CLI can open DATA_DIR's database directly, so
 * this grants nothing new. Its id is no user's, so "admins cannot disable or demote themselves" does
 * not stop the operator repairing an account (ingest and search act as a real user: --as).
 */
export const CLI_OPERATOR: Principal = Object.freeze({
  user: Object.freeze({
    id: 'cli',
    email: 'cli@localhost',
    username: 'cli',
    display_name: 'command line',
    role: 'admin' as const,
    disabled: false,
    must_change_password: false,
    created_at: new Date(0).toISOString(),
    last_login_at: null,
  }),
});

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
