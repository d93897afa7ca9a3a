import { Type, type Static } from '@sinclair/typebox';
import { Name, NAME_MAX_LENGTH } from './names.contract.js';

/** The four roles, most to least privileged. */
export const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('manager'),
  Type.Literal('user'),
  Type.Literal('viewer'),
]);

/** A user as the API shows it. */
export const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  username: Type.String(),
  display_name: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  disabled: Type.Boolean(),
  must_change_password: Type.Boolean(),
  created_at: Type.String(),
  last_login_at: Type.Union([Type.String(), Type.Null()]),
});

/** A user in the admin list, with how many conversations they have. */
export const UserWithChatCount = Type.Intersect([User, Type.Object({ chat_count: Type.Integer() })]);

/** Admin: create an account. */
export const CreateUserBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 320 }),
  username: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
  role: Type.Optional(Role),
  display_name: Type.Optional(Name(NAME_MAX_LENGTH.displayName, 'Display name')),
  must_change_password: Type.Optional(Type.Boolean()),
});
/** Admin: create an account. */
export type CreateUserBody = Static<typeof CreateUserBody>;

/** Admin: change role, name or disabled flag. */
export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(Role),
    disabled: Type.Optional(Type.Boolean()),
    display_name: Type.Optional(
      Type.Union([Name(NAME_MAX_LENGTH.displayName, 'Display name (null clears it)'), Type.Null()]),
    ),
  },
  { minProperties: 1 },
);

/** Admin: reset a password (omit to generate a temporary one). */
export const ResetPasswordBody = Type.Object({
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })),
});
