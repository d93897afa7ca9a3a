/**
 * What `ingest` and `search` share: a runtime without the chat model, the user the command acts as,
 * the workspace it names, and usage errors that end with exit code 2 (1 stays for failed work).
 */
import type { CommanderError } from 'commander';
import type { Runtime } from '../../bootstrap.js';
import type { Principal } from '../../modules/auth/auth.service.js';
import { toPublicUser } from '../../modules/users/users.service.js';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import { withRuntime } from '../cli-runtime.js';

/** A mistake in how the command was called (unknown user or workspace, bad value): exit code 2. */
export class UsageError extends Error {}

/** Commander's own usage errors (missing option, bad choice) exit with 2 too; help and version with 0. */
export function exitTwoOnUsageErrors(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : 2);
}

/** Wraps an action so a UsageError prints one line and sets exit code 2; other errors go on to main. */
export function withUsageErrors<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
    }
  };
}

/** Runs `work` with services and the embedding model (when configured) but no chat model or worker loop. */
export async function withKnowledgeRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  return withRuntime(work, { log: (message) => process.stderr.write(`warning: ${message}\n`) });
}

/** The user named by `--as` (username or e-mail), or the first active admin; disabled accounts are refused. */
export async function actingPrincipal(services: Services, login: string | undefined): Promise<Principal> {
  if (login === undefined) {
    const admin = await services.database.db
      .selectFrom('users')
      .selectAll()
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    if (!admin) throw new UsageError('there is no active admin to act as; name a user with --as');
    return { user: toPublicUser(admin) };
  }
  const row = await services.repositories.users.findByLogin(login);
  if (!row)
    throw new UsageError(`no user "${login}" (give a username or e-mail; see: privatestack users list)`);
  if (row.disabled) throw new UsageError(`user ${row.username} is disabled`);
  return { user: toPublicUser(row) };
}

/** A workspace of the acting user. */
export type ActingWorkspace = Awaited<ReturnType<Services['workspaces']['list']>>[number];

/**
 * The workspace called `name` among those the user can see (exact name first, then ignoring case);
 * created when `create` is set and it does not exist, else a UsageError listing the user's workspaces
 * (plus `hint`, e.g. the flag that would create it).
 */
export async function findWorkspace(
  services: Services,
  principal: Principal,
  name: string,
  options: { create?: boolean; hint?: string } = {},
): Promise<ActingWorkspace> {
  const visible = await services.workspaces.list(principal);
  const wanted = name.trim();
  const found =
    visible.find((workspace) => workspace.name === wanted) ??
    onlyOne(visible.filter((workspace) => workspace.name.toLowerCase() === wanted.toLowerCase()));
  if (found) return found;
  const who = principal.user.username;
  if (options.create) {
    try {
      return await services.workspaces.create(principal, { name: wanted });
    } catch (error) {
      if (error instanceof AppError && (error.code === 'FORBIDDEN' || error.code === 'CONFLICT'))
        throw new UsageError(`cannot create workspace "${wanted}" as ${who}: ${error.message}`);
      throw error;
    }
  }
  const names = visible.map((workspace) => `"${workspace.name}"`).join(', ');
  throw new UsageError(
    `no workspace "${wanted}" for ${who}; ${names ? `their workspaces: ${names}` : 'they have no workspaces'}` +
      (options.hint ? ` (${options.hint})` : ''),
  );
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}
