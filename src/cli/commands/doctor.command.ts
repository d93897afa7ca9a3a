import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cpus, totalmem, freemem } from 'node:os';
import type { Command } from 'commander';
import { readGgufFileInfo } from 'node-llama-cpp';
import type { Config } from '../../config/config.js';
import { llamaRuntime } from '../../providers/llm/local/llama-runtime.js';
import { CLI_OPERATOR, cliConfig, withRuntime } from '../cli-runtime.js';

type Verdict = 'ok' | 'warn' | 'fail';
const MARK: Record<Verdict, string> = { ok: '✓', warn: '!', fail: '✗' };

/** `privatestack doctor`: checks the machine, data directory and model before users notice a problem. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check CPU features, RAM versus the model, data directory permissions and model file integrity',
    )
    .action(async () => {
      const config = cliConfig();
      const results: [Verdict, string][] = [];
      const report = (verdict: Verdict, message: string) => {
        results.push([verdict, message]);
        process.stdout.write(`${MARK[verdict]} ${message}\n`);
      };
      checkCpu(report);
      checkDataDir(config, report);
      if (!existsSync(config.storage.sqlitePath ?? '')) {
        await checkModel(config, config.model.path, undefined, report);
        return finish(results);
      }
      await withRuntime(async ({ services }) => {
        const startup = await services.modelRegistry.startupModel(config.model.path);
        const registered = (await services.modelRegistry.list(CLI_OPERATOR)).find(
          (model) => model.file_path === startup?.filePath,
        );
        await checkModel(config, startup?.filePath, registered?.sha256 ?? undefined, report);
      });
      finish(results);
    });
}

function finish(results: [Verdict, string][]): void {
  const failed = results.filter(([verdict]) => verdict === 'fail').length;
  process.stdout.write(failed ? `\n${failed} problem(s) found\n` : '\nall checks passed\n');
  process.exitCode = failed ? 1 : 0;
}

function checkCpu(report: (verdict: Verdict, message: string) => void): void {
  const flags = existsSync('/proc/cpuinfo')
    ? (/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '')
    : '';
  const has = (flag: string) => flags.split(/\s+/).includes(flag);
  const features = ['avx', 'avx2', 'fma', 'f16c', 'avx512f'].filter(has);
  report('ok', `CPU: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown model'}`);
  if (flags && !has('avx2')) report('warn', 'CPU lacks AVX2: llama.cpp will be several times slower');
  else if (flags) report('ok', `CPU features: ${features.join(', ')}`);
}

function checkDataDir(config: Config, report: (verdict: Verdict, message: string) => void): void {
  const dir = config.storage.dataDir;
  if (!existsSync(dir)) {
    report('ok', `Data directory ${dir} will be created (mode 700) at first start`);
    return;
  }
  try {
    accessSync(dir, constants.W_OK | constants.R_OK);
    const mode = statSync(dir).mode & 0o777;
    if (mode & 0o007)
      report(
        'warn',
        `Data directory ${dir} is readable by every local user (mode ${mode.toString(8)}); chmod 700 it`,
      );
    else report('ok', `Data directory ${dir} is writable (mode ${mode.toString(8)})`);
  } catch {
    report('fail', `Data directory ${dir} is not writable by this user`);
  }
}

async function checkModel(
  config: Config,
  filePath: string | undefined,
  expectedSha256: string | undefined,
  report: (verdict: Verdict, message: string) => void,
): Promise<void> {
  try {
    const llama = await llamaRuntime();
    report('ok', `llama.cpp binding loads (${llama.buildType} build, ${llama.cpuMathCores} math cores)`);
  } catch (error) {
    report('fail', `llama.cpp binding does not load: ${(error as Error).message}`);
  }
  if (!filePath)
    return report('warn', 'No model configured: set MODEL_PATH or run `privatestack models pull <name>`');
  if (!existsSync(filePath)) return report('fail', `Model file ${filePath} does not exist`);
  const info = await readGgufFileInfo(filePath).catch((error: unknown) => error as Error);
  if (info instanceof Error)
    return report('fail', `Model file ${filePath} is not a readable GGUF: ${info.message}`);
  const metadata = info.architectureMetadata as {
    block_count?: number;
    embedding_length?: number;
    attention?: { head_count?: number; head_count_kv?: number };
  };
  report(
    'ok',
    `Model ${filePath}: ${info.metadata.general.architecture}, ${(statSync(filePath).size / 1_048_576).toFixed(0)} MiB`,
  );
  const needed = estimateBytes(statSync(filePath).size, metadata, config);
  const ram = `${(needed / 1_073_741_824).toFixed(2)} GiB needed at context ${config.model.contextLength} x ${config.model.parallelSequences} sequences`;
  if (needed > totalmem())
    report('fail', `RAM: ${ram}, machine has ${(totalmem() / 1_073_741_824).toFixed(1)} GiB`);
  else if (needed > freemem())
    report('warn', `RAM: ${ram}, only ${(freemem() / 1_073_741_824).toFixed(1)} GiB free now`);
  else report('ok', `RAM: ${ram}, ${(freemem() / 1_073_741_824).toFixed(1)} GiB free`);
  if (!expectedSha256)
    return report('warn', 'No recorded sha256 for this model file; integrity not verified');
  const actual = await sha256File(filePath);
  if (actual === expectedSha256)
    report('ok', `Model file sha256 matches the registry (${actual.slice(0, 12)}…)`);
  else
    report(
      'fail',
      `Model file sha256 ${actual} differs from the recorded ${expectedSha256}: the file is damaged`,
    );
}

/** File + F16 KV cache for every sequence + ~300 MiB of runtime and compute buffers. */
function estimateBytes(
  fileBytes: number,
  metadata: {
    block_count?: number;
    embedding_length?: number;
    attention?: { head_count?: number; head_count_kv?: number };
  },
  config: Config,
): number {
  const layers = metadata.block_count ?? 0;
  const heads = metadata.attention?.head_count ?? 1;
  const kvWidth = ((metadata.embedding_length ?? 0) / heads) * (metadata.attention?.head_count_kv ?? heads);
  const kvBytes = 2 * layers * kvWidth * 2 * config.model.contextLength * config.model.parallelSequences;
  return fileBytes + kvBytes + 300 * 1_048_576;
}

function sha256File(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(filePath)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
