import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomSecret } from './tokens.js';
import type { UsersService } from '../users/users.service.js';
import type { UserRepository } from '../users/user.repository.js';

/** Returns the configured JWT secret, or one generated on first run and kept 0600 in the data directory. */
export function ensureJwtSecret(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomSecret(48);
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
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
  if (await options.users.hasAdmin()) return { created: false };
  const generated = options.password === undefined ? randomSecret(18) : undefined;
  const user = await options.usersService.register({
    email: options.email,
    username: 'admin',
    password: options.password ?? generated!,
    role: 'admin',
    display_name: 'Administrator',
    must_change_password: generated !== undefined,
  });
  if (!generated) return { created: true, email: user.email };
  mkdirSync(options.dataDir, { recursive: true });
  const passwordFile = path.join(options.dataDir, 'initial-admin-password');
  writeFileSync(passwordFile, `${generated}\n`, { mode: 0o600 });
  return { created: true, email: user.email, generatedPassword: generated, passwordFile };
}
