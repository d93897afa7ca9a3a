import { AppError, errors } from '../../shared/errors.js';
import { NAME_MAX_LENGTH, normalizeName } from '../../shared/names.js';
import type { RateLimiter } from '../../providers/rate-limit/rate-limiter.js';
import type { Policy } from '../access/policy.js';
import { hashPassword, verifyDecoy, verifyPassword } from '../users/password.js';
import type { UserRepository, UserRow } from '../users/user.repository.js';
import { checkPasswordStrength, toPublicUser, type PublicUser } from '../users/users.service.js';
import type { ApiKeyRepository } from './api-key.repository.js';
import type { AuthSessionRepository } from './auth-session.repository.js';
import type { DeviceTokens } from './device-tokens.js';
import { createLoginGuard, type LoginLimits } from './login-guard.js';
import { apiKeyTokens, refreshTokens, sameDigest, sha256, type TokenSigner } from './tokens.js';

/** Who is making a request, established once per request by authenticate(). */
export interface Principal {
  readonly user: PublicUser;
  /** The login session, when authenticated by an access token. */
  readonly sessionId?: string;
  /** The key, when authenticated by an API key. */
  readonly apiKeyId?: string;
}

/** Where a login comes from, for rate limits and the session list. */
export interface ClientInfo {
  readonly ip: string;
  readonly userAgent?: string;
  /** Device tokens the client holds (from earlier successful sign-ins, possibly to other accounts). */
  readonly deviceTokens?: readonly string[];
}

/** Limits and lifetimes the auth service enforces. */
export interface AuthPolicy extends LoginLimits {
  readonly sessionHours: number;
}

/**
 * Logins, token refresh and rotation, logout, password change, API keys, and request authentication.
 * Methods acting for a signed-in caller check the permission table first; login, refresh and
 * authenticate establish who the caller is, so they have no row.
 */
export function createAuthService(dependencies: {
  users: UserRepository;
  sessions: AuthSessionRepository;
  apiKeys: ApiKeyRepository;
  signer: TokenSigner;
  deviceTokens: DeviceTokens;
  limiter: RateLimiter;
  /** Session lifetime and login limits (AUTH_* settings). */
  limits: AuthPolicy;
  /** The permission table's checks. */
  policy: Pick<Policy, 'authorize'>;
  clock: () => Date;
  /** Told after a user changed their own password (the first-run password file is then deleted). */
  onPasswordChanged?: (username: string) => void;
}) {
  const { users, sessions, apiKeys, signer, deviceTokens, limits, policy, clock } = dependencies;
  const nowIso = () => clock().toISOString();
  const guard = createLoginGuard(dependencies.limiter, limits);
  const trustedDevice = (userId: string, tokens: readonly string[] = []) =>
    tokens
      .slice(0, 16)
      .map((token) => deviceTokens.verify(token, userId))
      .find((device) => device !== undefined);

  const issueTokens = async (user: UserRow, sessionId: string, refreshToken: string) => ({
    access_token: await signer.sign({ userId: user.id, sessionId, role: user.role }),
    refresh_token: refreshToken,
    token_type: 'Bearer' as const,
    expires_in: signer.accessTokenSeconds,
    user: toPublicUser(user),
  });

  const startSession = async (user: UserRow, client: ClientInfo) => {
    const id = crypto.randomUUID();
    const refresh = refreshTokens.create(id);
    const now = clock();
    await sessions.insert({
      id,
      user_id: user.id,
      refresh_hash: refresh.hash,
      previous_refresh_hash: null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + limits.sessionHours * 3_600_000).toISOString(),
      last_used_at: now.toISOString(),
      revoked_at: null,
      user_agent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip.slice(0, 64),
    });
    return issueTokens(user, id, refresh.token);
  };

  // A password change keeps the caller's own session, with a fresh refresh token (the old one now
  // counts as superseded, so a copy of it presented later ends the session).
  const continueSession = async (user: UserRow, sessionId: string) => {
    const session = await sessions.findById(sessionId);
    const next = refreshTokens.create(sessionId);
    if (!session || !(await sessions.rotate(sessionId, session.refresh_hash, next.hash, nowIso()))) {
      throw errors.unauthorized('Session has ended');
    }
    return issueTokens(user, sessionId, next.token);
  };

  return {
    /**
     * Checks credentials (email or username) and opens a session, under the login guard's limits
     * (per account, shared by e-mail and username; per source with back-off; per device cookie).
     * Also returns a fresh device token for the client to keep.
     */
    login: async (login: string, password: string, client: ClientInfo) => {
      const user = await users.findByLogin(login);
      // An unknown login is limited on its own string exactly as an account is, and is checked
      // against a decoy hash, so neither the answer nor its timing tells whether the account exists.
      const attempt = await guard.admit({
        account: user ? `user:${user.id}` : `name:${login.trim().toLowerCase()}`,
        device: user ? trustedDevice(user.id, client.deviceTokens) : undefined,
        ip: client.ip,
      });
      const valid = user
        ? await verifyPassword(user.password_hash, password)
        : (await verifyDecoy(password), false);
      if (!user || !valid) throw errors.unauthorized('Invalid email/username or password');
      await attempt.succeeded();
      if (user.disabled) throw errors.unauthorized('This account is disabled');
      await users.update(user.id, { last_login_at: nowIso() });
      return { tokens: await startSession(user, client), deviceToken: deviceTokens.issue(user.id) };
    },

    /** Exchanges a refresh token for a new pair; reuse of any earlier (rotated) token revokes the whole session. */
    refresh: async (refreshToken: string) => {
      const parsed = refreshTokens.parse(refreshToken);
      const session = parsed && (await sessions.findById(parsed.sessionId));
      if (!parsed || !session || session.revoked_at || session.expires_at <= nowIso()) {
        throw errors.unauthorized('Invalid or expired refresh token');
      }
      if (await sessions.wasSuperseded(session.id, parsed.hash)) {
        await sessions.revoke(session.id, nowIso());
        throw errors.unauthorized('Refresh token was already used; the session has been ended');
      }
      const user = await users.findById(session.user_id);
      if (!user || user.disabled || !sameDigest(session.refresh_hash, parsed.hash)) {
        throw errors.unauthorized('Invalid or expired refresh token');
      }
      const next = refreshTokens.create(session.id);
      if (!(await sessions.rotate(session.id, parsed.hash, next.hash, nowIso()))) {
        throw errors.unauthorized('Invalid or expired refresh token');
      }
      return issueTokens(user, session.id, next.token);
    },

    /** Ends the caller's session (or, for an API key, nothing: keys are revoked explicitly). */
    logout: async (principal: Principal) => {
      await policy.authorize(principal, 'account.logout');
      if (principal.sessionId) await sessions.revoke(principal.sessionId, nowIso());
    },

    /**
     * Changes the caller's password and ends every other session of the user; the caller's own
     * session continues with fresh tokens (a new one when the caller used an API key). API keys keep
     * working unless `revokeApiKeys` is set.
     */
    changePassword: async (
      principal: Principal,
      change: { currentPassword: string; newPassword: string; revokeApiKeys?: boolean },
      client: ClientInfo,
    ) => {
      await policy.authorize(principal, 'account.password');
      const { currentPassword, newPassword } = change;
      checkPasswordStrength(newPassword, 'new_password');
      const user = await users.findById(principal.user.id);
      if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
        throw new AppError('VALIDATION_ERROR', 'current_password is wrong', {
          details: { field: 'current_password' },
        });
      }
      if (currentPassword === newPassword) {
        throw errors.validation('new_password must differ from the current one', 'new_password');
      }
      const now = nowIso();
      const updated = await users.update(user.id, {
        password_hash: await hashPassword(newPassword),
        must_change_password: 0,
        updated_at: now,
      });
      await sessions.revokeAllForUser(user.id, now, principal.sessionId);
      if (change.revokeApiKeys) await apiKeys.revokeAllForUser(user.id, now);
      dependencies.onPasswordChanged?.(user.username);
      return principal.sessionId
        ? continueSession(updated!, principal.sessionId)
        : startSession(updated!, client);
    },

    /** Resolves a bearer credential (access JWT or API key) to a principal, checking revocation and disablement. */
    authenticate: async (credential: string): Promise<Principal> => {
      if (apiKeyTokens.looksLikeKey(credential)) {
        const row = await apiKeys.findUsableWithUser(sha256(credential), nowIso());
        if (!row || row.disabled) throw errors.unauthorized('Invalid, revoked or expired API key');
        await apiKeys.touch(row.api_key_id, nowIso());
        return { user: toPublicUser(row), apiKeyId: row.api_key_id };
      }
      const claims = await signer.verify(credential);
      if (!claims) throw errors.unauthorized('Invalid or expired access token');
      const user = await sessions.findActiveWithUser(claims.sessionId, nowIso());
      if (!user || user.id !== claims.userId) throw errors.unauthorized('Session has ended');
      if (user.disabled) throw errors.unauthorized('This account is disabled');
      return { user: toPublicUser(user), sessionId: claims.sessionId };
    },

    /** Creates an API key for the caller; the key itself is returned only now. */
    createApiKey: async (principal: Principal, name: string, expiresAt?: string) => {
      await policy.authorize(principal, 'apikey.create');
      // A leaked key must not be able to mint a second one that outlives its revocation.
      if (principal.apiKeyId)
        throw errors.forbidden('An API key cannot create API keys; sign in to create one');
      if (expiresAt !== undefined && !(Date.parse(expiresAt) > clock().getTime())) {
        throw errors.validation('expires_at must be a future date-time', 'expires_at');
      }
      const keyName = normalizeName(name, 'name', NAME_MAX_LENGTH.apiKey);
      const created = apiKeyTokens.create();
      const row = {
        id: crypto.randomUUID(),
        user_id: principal.user.id,
        name: keyName,
        prefix: created.prefix,
        key_hash: created.hash,
        created_at: nowIso(),
        expires_at: expiresAt ? new Date(expiresAt).toISOString() : null,
        last_used_at: null,
        revoked_at: null,
      };
      await apiKeys.insert(row);
      return { ...presentKey(row), key: created.key };
    },

    /** The caller's keys, without secrets. */
    listApiKeys: async (principal: Principal) => {
      await policy.authorize(principal, 'apikey.list');
      return (await apiKeys.listForUser(principal.user.id)).map(presentKey);
    },

    /** Revokes one of the caller's keys; someone else's key answers 404 (the `own` cell). */
    revokeApiKey: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'apikey.revoke', { apiKeyId: id });
      // Still scoped to the owner in SQL: the check and the write cannot disagree.
      if (!(await apiKeys.revoke(id, principal.user.id, nowIso()))) throw errors.notFound('API key');
    },
  };
}

function presentKey(row: {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked: row.revoked_at !== null,
  };
}

/** The auth service's shape. */
export type AuthService = ReturnType<typeof createAuthService>;
