import { Type } from '@sinclair/typebox';
import { User } from './users.contract.js';
import { Name, NAME_MAX_LENGTH } from './names.contract.js';

/** Login by e-mail or username (seed 000 sends `username`, others `email`). */
export const LoginBody = Type.Object({
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

/** Tokens issued by login, refresh, registration and password change. */
export const TokenResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.Optional(
    Type.String({ description: 'Absent when the caller asked for it in the httpOnly cookie instead' }),
  ),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Access token lifetime in seconds' }),
  user: User,
});

/** Exchange a refresh token for a new pair (the web app sends none: its token is in the cookie). */
export const RefreshBody = Type.Object({
  refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
});

/** Change one's own password. */
export const ChangePasswordBody = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: 1024 }),
  new_password: Type.String({ minLength: 8, maxLength: 1024 }),
  revoke_api_keys: Type.Optional(
    Type.Boolean({
      default: false,
      description: 'Also revoke all your API keys (other sessions end in any case; this one continues)',
    }),
  ),
});

/** Self-registration (only when enabled). */
export const RegisterBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 320 }),
  username: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
  display_name: Type.Optional(Name(NAME_MAX_LENGTH.displayName, 'Display name')),
});

/** An API key without its secret. */
export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  created_at: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Boolean(),
});

/** A new API key: the only time the secret is shown. */
export const CreatedApiKey = Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]);

/** Create an API key. */
export const CreateApiKeyBody = Type.Object({
  name: Name(NAME_MAX_LENGTH.apiKey, 'Key name'),
  expires_at: Type.Optional(Type.String({ format: 'date-time' })),
});
