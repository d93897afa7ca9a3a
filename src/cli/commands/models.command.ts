import type { Command } from 'commander';
import { CLI_OPERATOR, cliConfig, printTable, withRuntime } from '../cli-runtime.js';
import { configuredCatalog } from '../../modules/models/model-catalog.js';
import { modelPathNote, registerModelsAddCommand } from './models-add.command.js';
import { registerModelsPullCommand } from './models-pull.command.js';
import { registerModelsSynthCommand } from './models-synth.command.js';

/** `npx privatestack models list|pull|add|catalog|use|rm`: the model registry from the shell. */
export function registerModelsCommand(program: Command): Command {
  const models = program.command('models').description('Download, list, choose and remove GGUF models');

  models
    .command('list')
    .description('List registered models')
    .action(async () => {
      await withRuntime(async ({ services }) => {
        printTable(
          (await services.modelRegistry.list(CLI_OPERATOR)).map((model) => ({
            name: model.name,
            kind: model.kind,
            active: model.is_active ? '*' : '',
            size_mib: model.size_bytes === null ? '' : (model.size_bytes / 1_048_576).toFixed(0),
            present: model.present ? 'yes' : 'MISSING',
            sha256: model.sha256?.slice(0, 12) ?? '',
            file: model.file_path,
          })),
        );
      });
    });

  registerModelsPullCommand(models, {
    catalog: () => configuredCatalog(cliConfig().modelSources),
    modelsDir: () => cliConfig().storage.modelsDir,
    maxPullBytes: () => Math.floor(cliConfig().modelSources.pullMaxGb * 1024 ** 3),
    onDownloaded: async (result) => {
      await withRuntime(async ({ services }) => {
        const name = result.entry?.name ?? result.filePath.replace(/^.*\//, '').replace(/\.gguf$/, '');
        const kind = result.entry?.kind ?? 'chat';
        await services.modelRegistry.register({
          name,
          filePath: result.filePath,
          sha256: result.sha256,
          sourceUrl: result.entry?.url,
          kind,
        });
        const activate = kind === 'chat' && !(await services.modelRegistry.hasActive());
        if (activate) await services.modelRegistry.setActive(CLI_OPERATOR, name);
        const modelPath = cliConfig().model.path;
        process.stdout.write(
          kind === 'chat' && modelPath
            ? `registered as ${name}. ${modelPathNote(name, modelPath)}\n`
            : activate
              ? `registered as ${name}, the active model: a running server loads it within seconds; otherwise the next start does\n`
              : `registered as ${name}; to chat with it: npx privatestack models use ${name} (the server's next start loads it)\n`,
        );
      });
    },
  });

  models
    .command('use')
    .argument('<name>')
    .description(
      'Make a registered chat model the active one: the next start loads it, and so does a running server ' +
        'that has no model (admins switch a running server with POST /api/v1/models/NAME/load)',
    )
    .action(async (name: string) => {
      await withRuntime(async ({ services }) => {
        const model = await services.modelRegistry.setActive(CLI_OPERATOR, name);
        const modelPath = cliConfig().model.path;
        process.stdout.write(
          modelPath
            ? `${model.name} is now the active model. ${modelPathNote(model.name, modelPath)}\n`
            : `${model.name} is now the active model\n`,
        );
      });
    });

  models
    .command('rm')
    .argument('<name>')
    .description('Unregister a model and delete its file if it lives in MODELS_DIR')
    .action(async (name: string) => {
      await withRuntime(async ({ services }) => {
        const result = await services.modelRegistry.remove(CLI_OPERATOR, name);
        process.stdout.write(`${name} removed${result.deleted_file ? ' (file deleted)' : ''}\n`);
      });
    });
  registerModelsAddCommand(models);
  registerModelsSynthCommand(models);
  return models;
}
