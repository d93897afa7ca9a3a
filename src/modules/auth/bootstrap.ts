import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomSecret } from './tokens.js';
import { AppError } from '../../shared/errors.js';
import type { UsersService } from '../users/users.service.js';
import type { UserRepository } from '../users/user.repository.js';

/** Returns the configured JWT secret, or one generated on first run and kept 0600 in the data directory. */
export function ensureJwtSecret(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  // Written whole under a private name, then linked into place: a process started at the same
  // moment either wins the link or reads the winner's complete secret, never a half-written one.
  const draft = `${file}.${process.pid}.${randomSecret(6)}`;
  writeFileSync(draft, `${randomSecret(48)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return readFileSync(file, 'utf8').trim();
}

/** The username of the first-run admin, whose generated password is kept in a file until changed. */
export const FIRST_ADMIN_USERNAME = 'admin';

/** Where the first-run admin's generated password is kept (0600) until it is changed. */
export const initialPasswordFile = (dataDir: string) => path.join(dataDir, 'initial-admin-password');

/** Deletes the first-run password file: once changed, it only misleads (and is a stale secret). */
export function forgetInitialPassword(dataDir: string): void {
  rmSync(initialPasswordFile(dataDir), { force: true });
}

/** What first-run admin creation did, so the caller can tell the operator. */
export type AdminBootstrapResult =
  { created: false } | { created: true; email: string; generatedPassword?: string; passwordFile?: string };

/**
 * Creates the first admin when none exists. Without ADMIN_PASSWORD a random password is generated,
 * written once to a 0600 file, and the account must change it at first login.
 */
export async function ensureAdmin(options: {
  users: UserRepository;
  usersService: UsersService;
  dataDir: string;
  email: string;
  password: string | undefined;
}): Promise<AdminBootstrapResult> {
  if (await options.users.hasAdmin()) {
    // Changed by the CLI (`users passwd`) or before this check existed: the file is stale.
    const first = await options.users.findByLogin(FIRST_ADMIN_USERNAME);
    if (first && first.must_change_password === 0) forgetInitialPassword(options.dataDir);
    return { created: false };
  }
  const generated = options.password === undefined ? randomSecret(18) : undefined;
  const user = await options.usersService
    .register({
      email: options.email,
      username: FIRST_ADMIN_USERNAME,
      password: options.password ?? generated!,
      role: 'admin',
      display_name: 'Administrator',
      must_change_password: generated !== undefined,
    })
    .catch(async (error: unknown) => {
      // Another process (a CLI command started with the server) created the admin first.
      if (error instanceof AppError && error.code === 'CONFLICT' && (await options.users.hasAdmin()))
        return undefined;
      throw error;
    });
  if (!user) return { created: false };
  if (!generated) return { created: true, email: user.email };
  mkdirSync(options.dataDir, { recursive: true });
  const passwordFile = initialPasswordFile(options.dataDir);
  writeFileSync(passwordFile, `${generated}\n`, { mode: 0o600 });
  return { created: true, email: user.email, generatedPassword: generated, passwordFile };
}
