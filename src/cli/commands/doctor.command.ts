import type { Command } from 'commander';
import { cliConfig } from '../cli-runtime.js';
import {
  checkCpu,
  checkDatabase,
  checkDataDir,
  formatFinding,
  summarize,
  type Level,
  type Report,
} from './doctor-checks.js';
import { checkLlamaBinding, checkModelFile, chooseModel } from './doctor-model.js';

const EXIT_STATUS = `
Every check prints ✓ (ok), "! warning" or "✗ error", and a last line counts errors and warnings.
An error is something that keeps chat from working: no chat model, a model file that is missing,
unreadable, damaged or too large for the RAM, a database that does not open, a data directory that
cannot be written, a llama.cpp binding that does not load. A warning is worth acting on but does not
stop chat (e.g. MODEL_CONTEXT_LENGTH above the model's trained context, little free RAM now).

Exit status: 1 when any check is an error, 0 otherwise (warnings alone exit 0).
`;

/** `npx privatestack doctor`: checks the machine, data directory, database and model before users notice a problem. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check CPU features, data directory, database, the chat model (present, readable GGUF, trained ' +
        'context, RAM, sha256); exit 1 when something blocks chat',
    )
    .addHelpText('after', EXIT_STATUS)
    .action(async () => {
      const levels: Level[] = [];
      const report: Report = (level, message) => {
        levels.push(level);
        process.stdout.write(formatFinding(level, message));
      };
      await runChecks(report);
      const { line, exitCode } = summarize(levels);
      process.stdout.write(`\n${line}\n`);
      process.exitCode = exitCode;
    });
}

async function runChecks(report: Report): Promise<void> {
  const config = cliConfig();
  checkCpu(report);
  checkDataDir(config, report);
  const models = await checkDatabase(config, report);
  await checkLlamaBinding(report);
  const model = chooseModel(config, models, report);
  if (model) await checkModelFile(config, model, report);
}
