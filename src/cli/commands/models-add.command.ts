import type { Command } from 'commander';
import { AppError } from '../../shared/errors.js';
import { formatBytes } from '../cli-format.js';
import { CLI_OPERATOR, cliConfig, withRuntime } from '../cli-runtime.js';
import { exitTwoOnUsageErrors, UsageError, withUsageErrors } from './knowledge-cli.js';

interface AddFlags {
  name?: string;
  kind?: string;
}

// The rules of POST /api/v1/models, so a name works the same from the API and the shell.
const NAME = /^[A-Za-z0-9._:-]{1,200}$/;
const KINDS = ['chat', 'embedding'] as const;

/** A bad file named on the command line is the caller's mistake: exit 2 with the reason. */
const FILE_MISTAKES = new Set(['VALIDATION_ERROR', 'NOT_A_GGUF', 'INTEGRITY_ERROR']);

/** Said instead of "X is the active model" while MODEL_PATH decides what the server loads. */
export function modelPathNote(name: string, modelPath: string): string {
  return (
    `MODEL_PATH is set (${modelPath}): the server loads that file at every start, not ${name}. ` +
    `Unset MODEL_PATH to run ${name}, or switch a running server: POST /api/v1/models/${name}/load`
  );
}

/** What the operator reads after a successful add: what happened and the next command to run. */
export function addedMessage(result: {
  name: string;
  sizeBytes: number;
  sha256: string;
  catalogId?: string;
  activated: boolean;
  kind: string;
  /** MODEL_PATH, when set: the server loads that file at every start, whatever is active. */
  modelPath?: string;
}): string {
  const verdict = result.catalogId
    ? `matches the catalogue's ${result.catalogId}`
    : 'not in the catalogue: recorded as it is';
  const lines = [
    `Registered ${result.name} (${result.kind}, ${formatBytes(result.sizeBytes)})`,
    `sha256 ${result.sha256} (${verdict})`,
  ];
  if (result.kind === 'chat' && result.modelPath) lines.push(modelPathNote(result.name, result.modelPath));
  else if (result.activated)
    lines.push(
      `${result.name} is the active model: a running server loads it within seconds; otherwise the next start does.`,
    );
  else if (result.kind === 'chat')
    lines.push(
      `To chat with it: npx privatestack models use ${result.name} (the server's next start loads it), ` +
        `or switch a running server: POST /api/v1/models/${result.name}/load`,
    );
  return `${lines.join('\n')}\n`;
}

/** `models add <file.gguf>`: registers a GGUF already on this machine (the offline install). */
export function registerModelsAddCommand(models: Command): void {
  models
    .command('add')
    .description(
      'Register a GGUF file already on this machine (copied by hand: the offline install); it stays where it is',
    )
    .argument('<file.gguf>', 'path of the model file')
    .option(
      '--name <name>',
      'registry name (default: its catalogue id when the sha256 matches one, else the file name)',
    )
    .option('--kind <kind>', 'chat or embedding (default: from the catalogue, else chat)')
    .exitOverride(exitTwoOnUsageErrors)
    .action(
      withUsageErrors(async (file: string, flags: AddFlags) => {
        if (flags.name !== undefined && !NAME.test(flags.name))
          throw new UsageError('--name takes letters, digits and . _ : - (at most 200)');
        const kind =
          flags.kind === undefined ? undefined : KINDS.find((candidate) => candidate === flags.kind);
        if (flags.kind !== undefined && kind === undefined)
          throw new UsageError(`--kind must be chat or embedding, got "${flags.kind}"`);
        await withRuntime(async ({ services }) => {
          const result = await services.modelRegistry
            .addLocalFile(CLI_OPERATOR, { filePath: file, name: flags.name, kind })
            .catch((error: unknown) => {
              if (error instanceof AppError && FILE_MISTAKES.has(error.code))
                throw new UsageError(error.message);
              throw error;
            });
          if (result.warning) process.stderr.write(`warning: ${file}: ${result.warning}\n`);
          process.stdout.write(
            addedMessage({
              name: result.model.name,
              kind: result.model.kind,
              sizeBytes: result.model.size_bytes ?? 0,
              sha256: result.model.sha256 ?? '',
              catalogId: result.entry?.name,
              activated: result.activated,
              modelPath: cliConfig().model.path,
            }),
          );
        });
      }),
    );
}
