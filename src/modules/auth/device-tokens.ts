import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a device stays trusted after its last successful sign-in. */
export const DEVICE_TOKEN_DAYS = 180;

/** A verified device token: which account it was issued for, and its own identity (for its lockout). */
export interface DeviceToken {
  readonly userId: string;
  readonly nonce: string;
}

/**
 * Device tokens (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): issued to a client
 * that signed in successfully, bound to that account, signed so nobody can mint one. The holder is
 * a known device: a stranger's failures cannot lock it out, and it has its own small failure budget.
 * Format `<user id>.<issued at, s>.<nonce>.<HMAC-SHA256>`; stateless, so nothing is stored.
 */
export function createDeviceTokens(secret: string, now: () => Date = () => new Date()) {
  // A key of its own (derived from the JWT secret), so a device token can never pass as anything else.
  const key = createHmac('sha256', secret).update('privatestack device token v1').digest();
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();
  const lifetimeSeconds = DEVICE_TOKEN_DAYS * 86_400;
  return {
    /** Lifetime of the tokens issued, in seconds (the cookie's Max-Age). */
    lifetimeSeconds,
    /** A fresh token for a device that has just signed in to `userId`. */
    issue: (userId: string): string => {
      const body = `${userId}.${Math.floor(now().getTime() / 1000)}.${randomBytes(16).toString('base64url')}`;
      return `${body}.${mac(body).toString('base64url')}`;
    },
    /** The token's identity when it is genuine, unexpired and issued for `userId`; else undefined. */
    verify: (token: string, userId: string): DeviceToken | undefined => {
      const match = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match || match[1] !== userId) return undefined;
      const expected = mac(`${match[1]}.${match[2]}.${match[3]}`);
      const given = Buffer.from(match[4]!, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const ageSeconds = now().getTime() / 1000 - Number(match[2]);
      if (ageSeconds > lifetimeSeconds || ageSeconds < -60) return undefined;
      return { userId, nonce: match[3]! };
    },
  };
}

/** The device-token service's shape. */
export type DeviceTokens = ReturnType<typeof createDeviceTokens>;
