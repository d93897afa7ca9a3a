import type { Command } from 'commander';
import type { Role } from '../../modules/users/user.repository.js';
import { AppError } from '../../shared/errors.js';
import { CLI_OPERATOR, printTable, withRuntime } from '../cli-runtime.js';
import { exitTwoOnUsageErrors, UsageError, withUsageErrors } from './knowledge-cli.js';

const ROLES: Role[] = ['admin', 'manager', 'user', 'viewer'];

/** A value the command was given that the service refuses (bad e-mail, short password) is a usage error: exit 2. */
function asUsageError(error: unknown): never {
  if (error instanceof AppError && error.code === 'VALIDATION_ERROR') throw new UsageError(error.message);
  throw error;
}

/** `privatestack users create|list|passwd|disable|enable`: account administration from the shell. */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('Manage accounts');

  users
    .command('create')
    .argument('<email>')
    .option('--username <name>', 'login name (default: made from the e-mail address)')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'user')
    .option('--password <password>', 'initial password (default: generated, must be changed at first login)')
    .description('Create an account')
    .exitOverride(exitTwoOnUsageErrors)
    .action(
      withUsageErrors(
        async (email: string, flags: { username?: string; role: string; password?: string }) => {
          if (!ROLES.includes(flags.role as Role))
            throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
          await withRuntime(async ({ services }) => {
            const generated = flags.password
              ? undefined
              : crypto.randomUUID().replaceAll('-', '').slice(0, 16);
            const user = await services.users.create(CLI_OPERATOR, {
              email,
              username: flags.username,
              role: flags.role as Role,
              password: flags.password ?? generated!,
              must_change_password: generated !== undefined,
            });
            process.stdout.write(`created ${user.username} <${user.email}> as ${user.role}\n`);
            if (generated)
              process.stdout.write(`temporary password: ${generated} (must be changed at first login)\n`);
          }).catch(asUsageError);
        },
      ),
    );

  users
    .command('list')
    .description('List accounts with their chat counts')
    .action(async () => {
      await withRuntime(async ({ services }) => {
        const { users: rows } = await services.users.list(CLI_OPERATOR, { offset: 0, limit: 10_000 });
        printTable(
          rows.map((user) => ({
            username: user.username,
            email: user.email,
            role: user.role,
            disabled: user.disabled ? 'yes' : '',
            chats: user.chat_count,
            last_login: user.last_login_at ?? '',
          })),
        );
      });
    });

  users
    .command('passwd')
    .argument('<login>', 'email or username')
    .option('--password <password>', 'new password (default: generated)')
    .description('Reset a password; the user must change it at next login, and all sessions end')
    .action(async (login: string, flags: { password?: string }) => {
      await withRuntime(async ({ services }) => {
        const user = await services.repositories.users.findByLogin(login);
        if (!user) throw new Error(`no user ${login}`);
        const result = await services.users.resetPassword(CLI_OPERATOR, user.id, flags.password);
        process.stdout.write(`password reset for ${user.username}\n`);
        if (result.temporary_password)
          process.stdout.write(`temporary password: ${result.temporary_password}\n`);
      });
    });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users
      .command(name)
      .argument('<login>', 'email or username')
      .description(
        disabled ? 'Disable an account; every session and API key stops at once' : 'Re-enable an account',
      )
      .action(async (login: string) => {
        await withRuntime(async ({ services }) => {
          const user = await services.repositories.users.findByLogin(login);
          if (!user) throw new Error(`no user ${login}`);
          await services.users.update(CLI_OPERATOR, user.id, { disabled });
          process.stdout.write(`${user.username} ${disabled ? 'disabled' : 'enabled'}\n`);
        });
      });
  }
}
