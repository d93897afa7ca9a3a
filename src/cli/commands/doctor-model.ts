/** The model-side checks of `doctor`: is there a chat model, can llama.cpp read it, will it fit. */
import { accessSync, constants, createReadStream, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { freemem, totalmem } from 'node:os';
import { readGgufFileInfo } from 'node-llama-cpp';
import type { Config } from '../../config/config.js';
import { checkGgufComplete } from '../../modules/models/gguf-completeness.js';
import { llamaRuntime } from '../../providers/llm/local/llama-runtime.js';
import { AppError } from '../../shared/errors.js';
import { formatBytes } from '../cli-format.js';
import type { RegisteredModel, Report } from './doctor-checks.js';

/** The chat model the server would load at start, and where that choice comes from. */
export interface ChosenModel {
  /** Path of the GGUF file. */
  readonly filePath: string;
  /** Where the choice comes from, for messages: `MODEL_PATH` or `the registry's active model <name>`. */
  readonly source: string;
  /** The sha256 recorded when the file was pulled or registered, if any. */
  readonly sha256?: string;
}

/** GGUF metadata the checks read (node-llama-cpp's `<arch>.*` keys). */
interface ArchitectureMetadata {
  readonly context_length?: number;
  readonly block_count?: number;
  readonly embedding_length?: number;
  readonly attention?: { head_count?: number; head_count_kv?: number };
}

const GIB = 1_073_741_824;

/** What no chat model means and how to get one, online or on a server without internet. */
const NO_MODEL =
  'No chat model: the server starts, but chat answers 503 MODEL_NOT_LOADED. Get one with ' +
  '`npx privatestack models pull <name>` (names: `npx privatestack models catalog`), or without ' +
  'internet copy a .gguf onto the server and run `npx privatestack models add <file>`';

/**
 * The model the server would load, as `startupModel` decides (MODEL_PATH, else the registry's active
 * chat model); an error when there is none. `models` is undefined when the database could not be read.
 */
export function chooseModel(
  config: Config,
  models: readonly RegisteredModel[] | undefined,
  report: Report,
): ChosenModel | undefined {
  const recorded = (filePath: string) =>
    models?.find((model) => model.file_path === filePath)?.sha256 ?? undefined;
  if (config.model.path) {
    return { filePath: config.model.path, source: 'MODEL_PATH', sha256: recorded(config.model.path) };
  }
  if (!models) return undefined; // the database error already says what blocks chat
  const active = models.find((model) => model.kind === 'chat' && model.is_active);
  if (active) {
    const source = `the registry's active model ${active.name}`;
    return { filePath: active.file_path, source, sha256: active.sha256 ?? undefined };
  }
  const chat = models.filter((model) => model.kind === 'chat').map((model) => model.name);
  if (chat.length === 0) return void report('error', NO_MODEL);
  report(
    'error',
    `No chat model is active (registered: ${chat.join(', ')}): run \`npx privatestack models use ${chat[0]}\``,
  );
  return undefined;
}

/** Whether llama.cpp's native binding loads on this machine. */
export async function checkLlamaBinding(report: Report): Promise<void> {
  try {
    const llama = await llamaRuntime();
    report('ok', `llama.cpp binding loads (${llama.buildType} build, ${llama.cpuMathCores} math cores)`);
  } catch (error) {
    report('error', `llama.cpp binding does not load: ${(error as Error).message}`);
  }
}

/** The chosen file: present, a readable GGUF, within its trained context, fits in RAM, undamaged. */
export async function checkModelFile(config: Config, model: ChosenModel, report: Report): Promise<void> {
  const { filePath, source } = model;
  if (!existsSync(filePath)) return report('error', `Model file ${filePath} (${source}) does not exist`);
  if (!statSync(filePath).isFile()) return report('error', `Model ${filePath} (${source}) is not a file`);
  if (!readable(filePath)) return report('error', `Model file ${filePath} is not readable by this user`);
  const incomplete = await incompleteGguf(filePath);
  if (incomplete) return report('error', incomplete);
  const info = await readGgufFileInfo(filePath).catch((error: unknown) => error as Error);
  if (info instanceof Error)
    return report('error', `Model file ${filePath} is not a readable GGUF: ${info.message}`);
  const metadata = info.architectureMetadata as ArchitectureMetadata;
  const size = statSync(filePath).size;
  report('ok', `Model ${filePath} (${source}): ${info.metadata.general.architecture}, ${formatBytes(size)}`);
  checkContextLength(config, metadata.context_length, report);
  checkMemory(config, size, metadata, report);
  await checkIntegrity(model, report);
}

/**
 * Why llama.cpp would refuse a file whose header is a GGUF's (a copy cut short, damaged bytes), or
 * undefined; a file without the magic is left to readGgufFileInfo's own message.
 */
async function incompleteGguf(filePath: string): Promise<string | undefined> {
  try {
    await checkGgufComplete(filePath);
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError) || error.details?.reason !== 'incomplete') return undefined;
    return (
      `Model ${error.message}: llama.cpp cannot load it. Copy it again, or pull it again with ` +
      '`npx privatestack models pull <name> --force`'
    );
  }
}

/** A context window above the one the model was trained on gives degraded answers past that point. */
function checkContextLength(config: Config, trained: number | undefined, report: Report): void {
  const wanted = config.model.contextLength;
  if (trained === undefined)
    return report(
      'warning',
      `The model does not declare its trained context; MODEL_CONTEXT_LENGTH=${wanted} is unchecked`,
    );
  if (wanted > trained) {
    return report(
      'warning',
      `MODEL_CONTEXT_LENGTH=${wanted} is above the ${trained} tokens this model was trained on: ` +
        `conversations longer than ${trained} tokens get incoherent answers; set MODEL_CONTEXT_LENGTH=${trained}`,
    );
  }
  report('ok', `Context: MODEL_CONTEXT_LENGTH=${wanted}, within the model's trained ${trained} tokens`);
}

function checkMemory(
  config: Config,
  fileBytes: number,
  metadata: ArchitectureMetadata,
  report: Report,
): void {
  const needed = estimateBytes(fileBytes, metadata, config);
  const ram = `${(needed / GIB).toFixed(2)} GiB needed at context ${config.model.contextLength} x ${config.model.parallelSequences} sequences`;
  if (needed > totalmem())
    report('error', `RAM: ${ram}, machine has ${(totalmem() / GIB).toFixed(1)} GiB: the model will not fit`);
  else if (needed > freemem())
    report('warning', `RAM: ${ram}, only ${(freemem() / GIB).toFixed(1)} GiB free now`);
  else report('ok', `RAM: ${ram}, ${(freemem() / GIB).toFixed(1)} GiB free`);
}

/** File + F16 KV cache for every sequence + ~300 MiB of runtime and compute buffers. */
function estimateBytes(fileBytes: number, metadata: ArchitectureMetadata, config: Config): number {
  const layers = metadata.block_count ?? 0;
  const heads = metadata.attention?.head_count ?? 1;
  const kvWidth = ((metadata.embedding_length ?? 0) / heads) * (metadata.attention?.head_count_kv ?? heads);
  const kvBytes = 2 * layers * kvWidth * 2 * config.model.contextLength * config.model.parallelSequences;
  return fileBytes + kvBytes + 300 * 1_048_576;
}

async function checkIntegrity({ filePath, sha256 }: ChosenModel, report: Report): Promise<void> {
  if (!sha256) {
    return report(
      'warning',
      `No sha256 is recorded for ${filePath}, so damage cannot be detected; ` +
        `\`npx privatestack models add ${filePath}\` records one`,
    );
  }
  const actual = await sha256File(filePath);
  if (actual === sha256) report('ok', `Model file sha256 matches the registry (${actual.slice(0, 12)}…)`);
  else
    report('error', `Model file sha256 ${actual} differs from the recorded ${sha256}: the file is damaged`);
}

function readable(filePath: string): boolean {
  try {
    accessSync(filePath, constants.R_OK);
    return true;
  } catch {
    return false;
  }
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
