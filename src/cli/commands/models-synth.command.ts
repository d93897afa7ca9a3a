import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { ModelShape } from '../../modules/models/model-shapes.js';
import {
  defaultAssetsDirectory,
  generateShapedModel,
  listModelShapes,
  type GeneratedShapedModel,
} from '../../modules/models/synthetic-gguf.js';
import { usageExitCode } from './knowledge-cli.js';
import { AppError } from '../../shared/errors.js';
import { createByteProgressBar, formatBytes, formatTable } from '../cli-format.js';

interface SynthFlags {
  out?: string;
  seed: number;
  assets?: string;
  list?: boolean;
}

/** Adds `synth <shape> [--out <file>] [--seed <n>]` and `synth --list` to the `models` command. */
export function registerModelsSynthCommand(models: Command): void {
  models
    .command('synth')
    .description(
      "Write a GGUF with a real model's exact tensor shapes and quantisation but random weights, " +
        'to measure speed and memory before downloading (its output is gibberish)',
    )
    .argument('[shape]', "a shape name from 'models synth --list'")
    .option('--out <file>', 'where to write the file (default: ./<shape>.gguf)')
    .option('--seed <n>', 'random seed; the same seed writes the same bytes', parseSeed, 1)
    .option('--assets <dir>', 'folder holding vocab/ and templates/ (default: ../shared/models)')
    .option('--list', 'list the shapes that can be generated')
    .action(async (shapeName: string | undefined, flags: SynthFlags) => {
      try {
        if (flags.list) {
          process.stdout.write(formatShapes(listModelShapes()));
          return;
        }
        if (!shapeName) throw new AppError('VALIDATION_ERROR', 'name a shape, or pass --list to see them');
        await synthesise(shapeName, flags);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = usageExitCode(error);
      }
    });
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new InvalidArgumentError('expected an integer from 0 to 4294967295');
  }
  return seed;
}

async function synthesise(shapeName: string, flags: SynthFlags): Promise<void> {
  const progress = createByteProgressBar();
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  // A listener stops Node exiting on the first Ctrl-C, so the half-written file is removed first.
  process.once('SIGINT', interrupt);
  const startedAt = performance.now();
  try {
    const result = await generateShapedModel({
      shape: shapeName,
      outputPath: path.resolve(flags.out ?? `${shapeName.toLowerCase()}.gguf`),
      seed: flags.seed,
      assetsDirectory: flags.assets ?? defaultAssetsDirectory(),
      onProgress: progress.update,
      signal: controller.signal,
    });
    progress.stop();
    process.stdout.write(describeResult(result, (performance.now() - startedAt) / 1000));
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    progress.stop();
    process.stderr.write('Interrupted; nothing was kept.\n');
    process.exitCode = 130;
  } finally {
    process.removeListener('SIGINT', interrupt);
    progress.stop();
  }
}

function describeResult(result: GeneratedShapedModel, seconds: number): string {
  return (
    `Wrote ${result.filePath} in ${seconds.toFixed(1)} s: ${result.tensorCount} tensors, ` +
    `${describeSizeMatch(result.sizeBytes, result.referenceSizeBytes, result.referenceSizeExact)}\n` +
    'Random weights: use it to measure speed and memory, never output quality.\n'
  );
}

/**
 * How close a rounded published size is taken to match: such figures carry two or three significant
 * digits (67 MB, 1.12 GB), so a closer comparison would only measure the rounding.
 */
export const ROUNDED_SIZE_TOLERANCE = 0.01;

/** One sentence comparing the written size with the real release's, in words a person reads at once. */
export function describeSizeMatch(
  sizeBytes: number,
  referenceBytes: number,
  referenceExact: boolean,
): string {
  const size = formatBytes(sizeBytes);
  const ratio = sizeBytes / referenceBytes - 1;
  const direction = ratio > 0 ? 'larger' : 'smaller';
  if (referenceExact) {
    const exactly = `${referenceBytes.toLocaleString('en-US')} bytes`;
    if (sizeBytes === referenceBytes)
      return `${size}, byte for byte the size of the real release (${exactly}).`;
    const difference = formatBytes(Math.abs(sizeBytes - referenceBytes));
    return `${size}, ${difference} (${percent(ratio)}) ${direction} than the real release (${exactly}).`;
  }
  const published = `about ${formatBytes(referenceBytes)}`;
  if (Math.abs(ratio) <= ROUNDED_SIZE_TOLERANCE) {
    return (
      `${size}, the size of the real release to within ${percent(ROUNDED_SIZE_TOLERANCE)} ` +
      `(published as ${published}, a rounded figure that allows no closer check).`
    );
  }
  return `${size}, ${percent(ratio)} ${direction} than the real release (published as ${published}).`;
}

/** A ratio's magnitude as a percentage with the digits that say something. */
function percent(ratio: number): string {
  const value = Math.abs(ratio) * 100;
  if (value < 0.01) return 'under 0.01 %';
  return `${value < 1 ? value.toFixed(2) : value.toFixed(1)} %`;
}

/** The catalogue as an aligned text table, one shape per row. */
function formatShapes(shapes: readonly ModelShape[]): string {
  const header = ['SHAPE', 'ARCH', 'TYPE', 'LAYERS', 'HIDDEN', 'HEADS', 'REAL SIZE'];
  const rows = shapes.map((shape) => [
    shape.name,
    shape.architecture,
    shape.fileType,
    String(shape.layerCount),
    String(shape.hiddenSize),
    `${shape.headCount}/${shape.kvHeadCount}`,
    `${shape.referenceSizeExact ? '' : '~'}${formatBytes(shape.referenceSizeBytes)}`,
  ]);
  return formatTable(header, rows);
}
