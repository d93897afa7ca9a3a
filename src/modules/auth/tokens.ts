import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

const ISSUER = 'privatestack';
const AUDIENCE = 'privatestack-api';
/** How far in the future a token's `iat` may lie (clock skew between replicas); later means forged or broken. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** Claims of a verified access token. */
export interface AccessClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly role: string;
}

/** Signs and verifies short-lived HS256 access JWTs; the algorithm is pinned, never read from the token. */
export function createTokenSigner(
  secret: string,
  accessTokenSeconds: number,
  now: () => Date = () => new Date(),
) {
  const key = new TextEncoder().encode(secret);
  return {
    /** Lifetime of the tokens this signer issues, in seconds. */
    accessTokenSeconds,
    /** Issues an access token for a user's session. */
    sign: async (claims: AccessClaims): Promise<string> => {
      const issuedAt = Math.floor(now().getTime() / 1000);
      return new SignJWT({ sid: claims.sessionId, role: claims.role, type: 'access' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + accessTokenSeconds)
        .sign(key);
    },
    /** Verifies signature, algorithm, issuer, audience, expiry, issue time and type; undefined when any check fails. */
    verify: async (token: string): Promise<AccessClaims | undefined> => {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat'],
          currentDate: now(),
        });
        if (payload.type !== 'access' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') {
          return undefined;
        }
        // jose checks `iat` only for its type; a token issued in the future would outlive its lifetime.
        const nowSeconds = now().getTime() / 1000;
        if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
          return undefined;
        }
        return { userId: payload.sub, sessionId: payload.sid, role: String(payload.role) };
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return undefined;
        throw error;
      }
    },
  };
}

/** The token signer's shape. */
export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** SHA-256 hex of a secret; secrets are random and long, so a fast hash is enough. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A URL-safe random secret of `bytes` bytes. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Refresh tokens look like `psr_<session id>_<secret>`; only the secret's hash is stored. */
export const refreshTokens = {
  create: (sessionId: string) => {
    const secret = randomSecret();
    return { token: `psr_${sessionId}_${secret}`, hash: sha256(secret) };
  },
  parse: (token: string): { sessionId: string; hash: string } | undefined => {
    const match = /^psr_([0-9a-f-]{36})_([A-Za-z0-9_-]{20,})$/.exec(token);
    return match ? { sessionId: match[1]!, hash: sha256(match[2]!) } : undefined;
  },
};

/** API keys look like `psk_<secret>`; only the hash is stored, with a short prefix for display. */
export const apiKeyTokens = {
  create: () => {
    const key = `psk_${randomSecret()}`;
    return { key, prefix: key.slice(0, 12), hash: sha256(key) };
  },
  looksLikeKey: (token: string) => token.startsWith('psk_'),
};
