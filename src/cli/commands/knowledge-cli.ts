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

/** Exit code for an error of the call itself: a bad value or an unknown name exit 2, failed work 1. */
export function usageExitCode(error: AppError): number {
  return error.code === 'VALIDATION_ERROR' || error.code === 'NOT_FOUND' ? 2 : 1;
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
    throw new UsageError(`no user "${login}" (give a username or e-mail; see: npx privatestack users list)`);
  if (row.disabled) throw new UsageError(`user ${row.username} is disabled`);
  return { user: toPublicUser(row) };
}

/** A workspace of the acting user. */
export type ActingWorkspace = Awaited<ReturnType<Services['workspaces']['list']>>[number];

/**
 * The workspace `name` means among those the user can see: one whose id it is, else the one with
 * exactly that name, else the one with that name ignoring case. Names can repeat (personal
 * workspaces take no part in name uniqueness), so when several match, "<username> (personal)" means
 * that user's own personal workspace (found by owner id, never by name), and anything else still
 * ambiguous is a UsageError listing the ids to choose from. With `create` set, a name nothing
 * matches is created as a shared workspace; otherwise a UsageError lists the user's workspaces
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
  const byId = visible.find((workspace) => workspace.id === wanted);
  if (byId) return byId;
  const exact = visible.filter((workspace) => workspace.name === wanted);
  const matches =
    exact.length > 0 ? exact : visible.filter((w) => w.name.toLowerCase() === wanted.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    return (await personalNamed(services, wanted, matches)) ?? ambiguous(wanted, matches);
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
  const names = visible.map(describe).join(', ');
  throw new UsageError(
    `no workspace "${wanted}" for ${who}; ${names ? `their workspaces: ${names}` : 'they have no workspaces'}` +
      (options.hint ? ` (${options.hint})` : ''),
  );
}

/** Among same-named workspaces, the personal one of the user "<username> (personal)" names, if any. */
async function personalNamed(
  services: Services,
  wanted: string,
  matches: readonly ActingWorkspace[],
): Promise<ActingWorkspace | undefined> {
  const username = /^(.+) \(personal\)$/i.exec(wanted)?.[1]?.toLowerCase();
  if (username === undefined) return undefined;
  const owner = await services.repositories.users.findByLogin(username);
  if (!owner || owner.username !== username) return undefined;
  return matches.find((workspace) => workspace.personal_owner_id === owner.id);
}

function ambiguous(wanted: string, matches: readonly ActingWorkspace[]): never {
  throw new UsageError(
    `${matches.length} workspaces are called "${wanted}": ${matches.map(describe).join(', ')}; give the id instead`,
  );
}

/** A workspace for a message: its name, its id, and whose personal workspace it is. */
function describe(workspace: ActingWorkspace): string {
  const personal =
    workspace.personal_owner_id === null ? 'shared' : `personal of user ${workspace.personal_owner_id}`;
  return `"${workspace.name}" (id ${workspace.id}, ${personal})`;
}
