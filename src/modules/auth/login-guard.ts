import ipaddr from 'ipaddr.js';
import type { BackoffPolicy, RateLimiter } from '../../providers/rate-limit/rate-limiter.js';
import { AppError } from '../../shared/errors.js';
import type { DeviceToken } from './device-tokens.js';

/** The login limits from configuration (LOGIN_ATTEMPTS_* and LOGIN_BACKOFF_*). */
export interface LoginLimits {
  readonly loginAttemptsPerAccount: number;
  readonly loginAttemptsPerIp: number;
  readonly loginBackoffAfter: number;
  readonly loginBackoffBaseSeconds: number;
  readonly loginBackoffMaxSeconds: number;
}

/** One login attempt, let through to the password check. */
export interface LoginSubject {
  /** The account's key: its user id, or the login string when it names nobody (so both lock alike). */
  readonly account: string;
  /** A valid device token of this account that the client presented, if any. */
  readonly device?: DeviceToken;
  /** The client address. */
  readonly ip: string;
}

/** An admitted attempt: it counts as a failure unless succeeded() is called. */
export interface AdmittedAttempt {
  /** The password was right: take the attempt back and clear the failures it would have added to. */
  succeeded(): Promise<void>;
}

const WINDOW_MS = 15 * 60_000;
const FORGET_MS = 24 * 3_600_000;

/**
 * Where attempts come from, for the per-source limits: the IPv4 address, or the /64 of an IPv6 one
 * (one subscriber usually holds a whole /64, so counting single addresses would not slow anyone down).
 */
export function loginSourceOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip.slice(0, 64);
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}

/**
 * Login throttling after ASVS 5.0 V6 and OWASP's device-cookie scheme. Every attempt is counted
 * before the (slow) password check, so parallel guesses cannot slip under a limit.
 * - A client without a device cookie of the account is "untrusted": it spends the account's shared
 *   budget (LOGIN_ATTEMPTS_PER_ACCOUNT per 15 min; then untrusted clients are refused for the rest of
 *   the window), its source's budget (LOGIN_ATTEMPTS_PER_IP), and its source's back-off (after
 *   LOGIN_BACKOFF_AFTER failures each further one must wait base·2^n seconds, up to the maximum).
 * - A client with a valid device cookie spends only that cookie's own budget, so a stranger guessing
 *   from elsewhere (or from the same network) cannot lock the account's real user out.
 */
export function createLoginGuard(limiter: RateLimiter, limits: LoginLimits) {
  const backoff: BackoffPolicy = {
    freeFailures: limits.loginBackoffAfter,
    baseMs: limits.loginBackoffBaseSeconds * 1000,
    maxMs: limits.loginBackoffMaxSeconds * 1000,
    forgetAfterMs: FORGET_MS,
  };
  const refuse = (retryAfterSeconds: number) =>
    new AppError('RATE_LIMITED', 'Too many failed sign-ins; try again later', { retryAfterSeconds });

  const admitDevice = async (device: DeviceToken): Promise<AdmittedAttempt> => {
    const key = `login:device:${device.nonce}`;
    const check = await limiter.hit(key, limits.loginAttemptsPerAccount, WINDOW_MS);
    if (!check.allowed) throw refuse(check.retryAfterSeconds);
    return { succeeded: () => limiter.reset(key) };
  };

  const admitUntrusted = async (subject: LoginSubject): Promise<AdmittedAttempt> => {
    const source = loginSourceOf(subject.ip);
    const backoffKey = `login:backoff:${source}`;
    const claim = await limiter.claimAttempt(backoffKey, backoff);
    if (!claim.allowed) throw refuse(claim.retryAfterSeconds);
    const ipKey = `login:ip:${source}`;
    const accountKey = `login:account:${subject.account}`;
    const ipCheck = await limiter.hit(ipKey, limits.loginAttemptsPerIp, WINDOW_MS);
    const accountCheck = await limiter.hit(accountKey, limits.loginAttemptsPerAccount, WINDOW_MS);
    if (!ipCheck.allowed || !accountCheck.allowed) {
      // Refused before any password was tried: not a guess, so the source's back-off does not grow.
      await limiter.releaseAttempt(backoffKey);
      throw refuse(
        Math.max(
          ipCheck.allowed ? 0 : ipCheck.retryAfterSeconds,
          accountCheck.allowed ? 0 : accountCheck.retryAfterSeconds,
        ),
      );
    }
    return {
      // A success is taken back from the source (an office behind one NAT address is not slowed by
      // its own logins) and clears the account's untrusted failures.
      succeeded: async () => {
        await limiter.releaseAttempt(backoffKey);
        await limiter.undo(ipKey);
        await limiter.reset(accountKey);
      },
    };
  };

  return {
    /** Counts one attempt before the password check; throws RATE_LIMITED (429, Retry-After) when refused. */
    admit: (subject: LoginSubject): Promise<AdmittedAttempt> =>
      subject.device ? admitDevice(subject.device) : admitUntrusted(subject),
  };
}

/** The login guard's shape. */
export type LoginGuard = ReturnType<typeof createLoginGuard>;
