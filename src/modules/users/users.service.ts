import { AppError, errors } from '../../shared/errors.js';
import { NAME_MAX_LENGTH, normalizeName } from '../../shared/names.js';
import type { Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import { randomSecret } from '../auth/tokens.js';
import type { ApiKeyRepository } from '../auth/api-key.repository.js';
import type { AuthSessionRepository } from '../auth/auth-session.repository.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.js';
import type { Role, UserRepository, UserRow } from './user.repository.js';

/** The user as the API shows it: never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  username: string;
  display_name: string | null;
  role: Role;
  disabled: boolean;
  must_change_password: boolean;
  created_at: string;
  last_login_at: string | null;
}

/** Strips secrets and converts flags for presentation. */
export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    display_name: row.display_name,
    role: row.role,
    disabled: row.disabled === 1,
    must_change_password: row.must_change_password === 1,
    created_at: row.created_at,
    last_login_at: row.last_login_at,
  };
}

/** Input for creating an account. */
export interface NewUser {
  email: string;
  username?: string;
  password: string;
  role?: Role;
  display_name?: string | null;
  must_change_password?: boolean;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** A display name as given (undefined = unchanged, null = none), normalised and checked like every name. */
function displayNameOf<T extends string | null | undefined>(value: T): T {
  return (
    typeof value === 'string' ? normalizeName(value, 'display_name', NAME_MAX_LENGTH.displayName) : value
  ) as T;
}

/** Whether a database error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Rejects passwords that are too short, with the field named. */
export function checkPasswordStrength(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw errors.validation(`${field} must be at least ${MIN_PASSWORD_LENGTH} characters`, field);
  }
}

/**
 * Account management: what admins do to users (each method checks the permission table first), and
 * what self-registration and the first run do (no caller to check).
 */
export function createUsersService(dependencies: {
  users: UserRepository;
  sessions: AuthSessionRepository;
  apiKeys: ApiKeyRepository;
  policy: Pick<Policy, 'authorize'>;
  clock: () => Date;
}) {
  const { users, sessions, apiKeys, policy, clock } = dependencies;

  /** A free username: the one asked for (409 if taken), or one derived from the e-mail with a suffix. */
  const chooseUsername = async (email: string, requested: string | undefined): Promise<string> => {
    if (requested !== undefined) {
      const username = requested.trim().toLowerCase();
      if (!USERNAME.test(username)) {
        throw errors.validation(
          'username must be 2-64 letters, digits, dots, dashes or underscores',
          'username',
        );
      }
      if (await users.findByLogin(username))
        throw errors.conflict('A user with this username already exists');
      return username;
    }
    const local = (email.split('@')[0] ?? '').replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
    const base = (local.length >= 2 ? local : `user-${local}`).slice(0, 56);
    for (let suffix = 1; ; suffix++) {
      const candidate = suffix === 1 ? base : `${base}${suffix}`;
      if (!(await users.findByLogin(candidate))) return candidate;
    }
  };

  const register = async (input: NewUser): Promise<PublicUser> => {
    checkPasswordStrength(input.password);
    const displayName = displayNameOf(input.display_name);
    const email = input.email.trim().toLowerCase();
    // One "@" with something on each side and no spaces; `admin@localhost` (the default) is fine.
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw errors.validation('email must be an e-mail address', 'email');
    if (await users.findByLogin(email)) throw errors.conflict('A user with this email already exists');
    const username = await chooseUsername(email, input.username);
    const now = clock().toISOString();
    const row = await users
      .insert({
        id: crypto.randomUUID(),
        email,
        username,
        display_name: displayName ?? null,
        password_hash: await hashPassword(input.password),
        role: input.role ?? 'user',
        disabled: 0,
        must_change_password: input.must_change_password ? 1 : 0,
        created_at: now,
        updated_at: now,
        last_login_at: null,
      })
      .catch((error: unknown) => {
        // Two creations racing for the same e-mail or username: the database decides, the client gets 409.
        if (isUniqueViolation(error))
          throw errors.conflict('A user with this email or username already exists');
        throw error;
      });
    return toPublicUser(row);
  };

  const requireUser = async (id: string): Promise<UserRow> => {
    const row = await users.findById(id);
    if (!row) throw errors.notFound('User');
    return row;
  };

  return {
    /** Creates an account for an administrator. */
    create: async (principal: Principal, input: NewUser): Promise<PublicUser> => {
      await policy.authorize(principal, 'user.create');
      return register(input);
    },

    /**
     * Creates an account with no caller behind it: self-registration (the route fixes the role to
     * `user`) and the first-run admin. Never for a request acting for someone: use create().
     */
    register,

    /** One page of users with their chat counts. */
    list: async (principal: Principal, page: { offset: number; limit: number }) => {
      await policy.authorize(principal, 'user.list');
      const [rows, total] = await Promise.all([users.listWithChatCounts(page), users.count()]);
      return { total, users: rows.map((row) => ({ ...toPublicUser(row), chat_count: row.chat_count })) };
    },

    /** One user by id. */
    get: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'user.read');
      return toPublicUser(await requireUser(id));
    },

    /** Changes role, display name or disabled flag; disabling revokes every session at once. */
    update: async (
      principal: Principal,
      id: string,
      changes: { role?: Role; disabled?: boolean; display_name?: string | null },
    ): Promise<PublicUser> => {
      await policy.authorize(principal, 'user.update');
      const existing = await requireUser(id);
      if (
        id === principal.user.id &&
        (changes.disabled === true || (changes.role && changes.role !== existing.role))
      ) {
        throw new AppError('FORBIDDEN', 'Admins cannot disable or demote themselves');
      }
      const now = clock().toISOString();
      const updated = await users.update(id, {
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.disabled !== undefined && { disabled: changes.disabled ? 1 : 0 }),
        ...(changes.display_name !== undefined && { display_name: displayNameOf(changes.display_name) }),
        updated_at: now,
      });
      if (changes.disabled === true) await sessions.revokeAllForUser(id, now);
      return toPublicUser(updated!);
    },

    /** Sets a new password (generated when none is given), forces a change at next login, ends sessions and API keys. */
    resetPassword: async (principal: Principal, id: string, password?: string) => {
      await policy.authorize(principal, 'user.reset-password');
      await requireUser(id);
      const temporary = password ?? randomSecret(12);
      checkPasswordStrength(temporary);
      const now = clock().toISOString();
      await users.update(id, {
        password_hash: await hashPassword(temporary),
        must_change_password: 1,
        updated_at: now,
      });
      // A reset usually means the account may be compromised: its sessions and API keys end too.
      await sessions.revokeAllForUser(id, now);
      await apiKeys.revokeAllForUser(id, now);
      return { temporary_password: password ? undefined : temporary };
    },
  };
}

/** The users service's shape. */
export type UsersService = ReturnType<typeof createUsersService>;
