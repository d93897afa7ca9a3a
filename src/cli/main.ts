import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { main as serve } from '../main.js';
import { AppError } from '../shared/errors.js';
import { VERSION } from '../version.js';
import { exitTwoOnUsageErrors, usageExitCode } from './commands/knowledge-cli.js';
import { registerChatCommand } from './commands/chat.command.js';
import { registerDoctorCommand } from './commands/doctor.command.js';
import { registerIngestCommand } from './commands/ingest.command.js';
import { registerModelsCommand } from './commands/models.command.js';
import { registerSearchCommand } from './commands/search.command.js';
import { registerUsersCommand } from './commands/users.command.js';

/** Builds the `privatestack` command line. */
export function buildProgram(): Command {
  const program = new Command('privatestack')
    .version(VERSION)
    .description('PrivateStack: a private, self-hosted LLM platform')
    // `privatestack` is on the PATH only after `npm link`; say how it runs from the checkout as it is.
    .addHelpText(
      'after',
      '\nRun it from the checkout as `npx privatestack <command>` (or `npm link` once for `privatestack`).',
    );
  program.command('serve').description('Start the HTTP server (default command)').action(serve);
  registerUsersCommand(program);
  registerModelsCommand(program);
  registerChatCommand(program);
  registerDoctorCommand(program);
  registerIngestCommand(program);
  registerSearchCommand(program);
  exitTwoOnUsageErrorsEverywhere(program);
  return program;
}

/** Commander's own usage errors (missing argument, unknown option or command) exit 2 in every command. */
function exitTwoOnUsageErrorsEverywhere(command: Command): void {
  command.exitOverride(exitTwoOnUsageErrors);
  for (const sub of command.commands) exitTwoOnUsageErrorsEverywhere(sub);
}

/** Runs the CLI; errors print one clear line instead of a stack trace. */
export async function runCli(argv: string[]): Promise<void> {
  const args = argv.length <= 2 ? [...argv, 'serve'] : argv;
  try {
    await buildProgram().parseAsync(args);
    // One-shot commands end here; llama.cpp's native threads would otherwise keep the process alive.
    if (args[2] !== 'serve') process.exit(process.exitCode ?? 0);
  } catch (error) {
    const message =
      error instanceof ConfigError || error instanceof AppError || error instanceof Error
        ? error.message
        : String(error);
    process.stderr.write(`error: ${message}\n`);
    // A bad value or an unknown name in the call is a usage error (2), like the commands' own; failed work is 1.
    process.exitCode = error instanceof AppError ? usageExitCode(error) : 1;
    // A server that failed to start must not linger: llama.cpp's native threads would keep it alive.
    if (args[2] === 'serve') process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  await runCli(process.argv);
}
