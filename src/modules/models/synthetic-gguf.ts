import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import { readGgufMetadata } from './gguf-reader.js';
import { gguf, writeGgufFile, type GgufMetadataEntry, type GgufTensorSource } from './gguf-writer.js';
import { findModelShape, listModelShapes, type ModelShape } from './model-shapes.js';
import {
  GGML_TYPES,
  LLAMA_FILE_TYPE,
  selectF16Type,
  selectQ4KMType,
  tensorByteSize,
  type GgmlTypeName,
} from './quant-types.js';
import { createScratch, randomTensorChunks, SeededRandom, type TensorInit } from './random-weights.js';

// A GGUF with a real model's exact tensor shapes and quantisation types, random weights and the real
// tokenizer: llama.cpp's speed and memory depend on shapes and types only, so it measures how a model
// would run before anyone downloads it. Its output is gibberish by construction.

export { listModelShapes };

/** Options for `generateShapedModel`. */
export interface GenerateShapedModelOptions {
  /** Catalogue name (see `listModelShapes`) or a shape object. */
  readonly shape: string | ModelShape;
  /** Where to write the .gguf file (written as `<path>.partial`, then renamed). */
  readonly outputPath: string;
  /** PRNG seed; the same seed gives a byte-identical file. Defaults to 1. */
  readonly seed?: number;
  /** Folder holding `vocab/` and `templates/`; defaults to `../shared/models` from the working directory. */
  readonly assetsDirectory?: string;
  /** Called as data is written. */
  readonly onProgress?: (bytesWritten: number, totalBytes: number) => void;
  /** Aborts generation; nothing is left on disk. */
  readonly signal?: AbortSignal;
}

/** What `generateShapedModel` produced. */
export interface GeneratedShapedModel {
  /** Absolute path of the written file. */
  readonly filePath: string;
  /** Its size in bytes. */
  readonly sizeBytes: number;
  /** Number of tensors in it. */
  readonly tensorCount: number;
  /** Size of the real release, for comparison. */
  readonly referenceSizeBytes: number;
  /** Whether referenceSizeBytes is the exact published size (else a rounded published figure). */
  readonly referenceSizeExact: boolean;
}

/** One tensor of a shape: name, ggml dimensions (ne0 first) and how to initialise it. */
export interface PlannedTensor {
  /** Tensor name as llama.cpp expects it. */
  readonly name: string;
  /** Dimensions, row width first. */
  readonly dims: readonly number[];
  /** Value pattern of its data. */
  readonly init: TensorInit;
}

/** The project's convention: shared model assets live beside the repository (see shared/models/README). */
export function defaultAssetsDirectory(): string {
  return path.resolve(process.cwd(), '..', 'shared', 'models');
}

function initFor(name: string): TensorInit {
  if (name.endsWith('_norm.weight')) return 'ones';
  return name.endsWith('_norm.bias') ? 'zeros' : 'random';
}

function plan(name: string, dims: readonly number[]): PlannedTensor {
  return { name, dims, init: initFor(name) };
}

function qwen2Tensors(shape: ModelShape): PlannedTensor[] {
  const { hiddenSize: h, feedForwardSize: ff, vocabularySize: vocab } = shape;
  const kv = (h / shape.headCount) * shape.kvHeadCount;
  const tensors = [plan('token_embd.weight', [h, vocab]), plan('output_norm.weight', [h])];
  if (!shape.tiedOutput) tensors.push(plan('output.weight', [h, vocab]));
  for (let layer = 0; layer < shape.layerCount; layer++) {
    const blk = (suffix: string, dims: number[]): PlannedTensor => plan(`blk.${layer}.${suffix}`, dims);
    tensors.push(
      ...[blk('attn_norm.weight', [h]), blk('attn_q.weight', [h, h]), blk('attn_q.bias', [h])],
      ...[blk('attn_k.weight', [h, kv]), blk('attn_k.bias', [kv]), blk('attn_v.weight', [h, kv])],
      ...[blk('attn_v.bias', [kv]), blk('attn_output.weight', [h, h]), blk('ffn_norm.weight', [h])],
      ...[blk('ffn_gate.weight', [h, ff]), blk('ffn_up.weight', [h, ff]), blk('ffn_down.weight', [ff, h])],
    );
  }
  return tensors;
}

function bertTensors(shape: ModelShape): PlannedTensor[] {
  const { hiddenSize: h, feedForwardSize: ff } = shape;
  const tensors = [
    ...[plan('token_embd.weight', [h, shape.vocabularySize]), plan('token_types.weight', [h, 2])],
    ...[plan('position_embd.weight', [h, shape.contextLength]), plan('token_embd_norm.weight', [h])],
    plan('token_embd_norm.bias', [h]),
  ];
  for (let layer = 0; layer < shape.layerCount; layer++) {
    const blk = (suffix: string, dims: number[]): PlannedTensor => plan(`blk.${layer}.${suffix}`, dims);
    for (const projection of ['attn_q', 'attn_k', 'attn_v', 'attn_output']) {
      tensors.push(blk(`${projection}.weight`, [h, h]), blk(`${projection}.bias`, [h]));
    }
    tensors.push(
      ...[blk('attn_output_norm.weight', [h]), blk('attn_output_norm.bias', [h])],
      ...[blk('ffn_up.weight', [h, ff]), blk('ffn_up.bias', [ff])],
      ...[blk('ffn_down.weight', [ff, h]), blk('ffn_down.bias', [h])],
      ...[blk('layer_output_norm.weight', [h]), blk('layer_output_norm.bias', [h])],
    );
  }
  return tensors;
}

/** llama-quantize writes tensors in its loader's order: non-layer tensors, then by layer, then by name. */
function layerOrder(a: PlannedTensor, b: PlannedTensor): number {
  const layer = (name: string): number => Number(/^blk\.(\d+)\./.exec(name)?.[1] ?? -1);
  return layer(a.name) - layer(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function shapeTensors(shape: ModelShape): PlannedTensor[] {
  const tensors = shape.architecture === 'qwen2' ? qwen2Tensors(shape) : bertTensors(shape);
  return tensors.sort(layerOrder);
}

function architectureEntries(shape: ModelShape): GgufMetadataEntry[] {
  const arch = shape.architecture;
  const entries = [
    gguf.uint32(`${arch}.block_count`, shape.layerCount),
    gguf.uint32(`${arch}.context_length`, shape.contextLength),
    gguf.uint32(`${arch}.embedding_length`, shape.hiddenSize),
    gguf.uint32(`${arch}.feed_forward_length`, shape.feedForwardSize),
    gguf.uint32(`${arch}.attention.head_count`, shape.headCount),
  ];
  if (arch === 'bert') {
    return [
      ...entries,
      gguf.float32('bert.attention.layer_norm_epsilon', shape.normEpsilon),
      gguf.bool('bert.attention.causal', false),
      gguf.uint32('bert.pooling_type', 2), // LLAMA_POOLING_TYPE_CLS, as bge uses
    ];
  }
  return [
    ...entries,
    gguf.uint32(`${arch}.attention.head_count_kv`, shape.kvHeadCount),
    gguf.float32(`${arch}.rope.freq_base`, shape.ropeTheta ?? 10_000),
    gguf.float32(`${arch}.attention.layer_norm_rms_epsilon`, shape.normEpsilon),
  ];
}

/** Writes the release's added tokens over the vocabulary's token texts or token types. */
function withAddedTokens(shape: ModelShape, entry: GgufMetadataEntry): GgufMetadataEntry {
  const value = entry.value;
  const isText = entry.key === 'tokenizer.ggml.tokens';
  if (value.type !== 9 || (!isText && entry.key !== 'tokenizer.ggml.token_type')) return entry;
  if (value.values.length !== shape.vocabularySize) {
    const found = `${shape.vocabularyFile} has ${value.values.length} tokens`;
    throw new AppError('VALIDATION_ERROR', `${found}; ${shape.name} needs ${shape.vocabularySize}`);
  }
  const values = [...value.values];
  for (const token of shape.tokenizer.addedTokens) values[token.id] = isText ? token.text : token.type;
  return { key: entry.key, value: { ...value, values } };
}

/** Copies tokenizer.* from the vocabulary file, applying the release's added tokens and special ids. */
function tokenizerEntries(shape: ModelShape, vocabulary: readonly GgufMetadataEntry[]): GgufMetadataEntry[] {
  // A Map keeps the file's key order while letting the release's values replace the vocabulary's.
  const entries = new Map<string, GgufMetadataEntry>();
  for (const entry of vocabulary) {
    if (!entry.key.startsWith('tokenizer.') || entry.key === 'tokenizer.chat_template') continue;
    entries.set(entry.key, withAddedTokens(shape, entry));
  }
  const overrides = shape.tokenizer;
  for (const [name, id] of Object.entries(overrides.specialTokenIds)) {
    const key = `tokenizer.ggml.${name}_token_id`;
    entries.set(key, gguf.uint32(key, id));
  }
  if (overrides.addBosToken !== undefined) {
    entries.set(
      'tokenizer.ggml.add_bos_token',
      gguf.bool('tokenizer.ggml.add_bos_token', overrides.addBosToken),
    );
  }
  return [...entries.values()];
}

/** Reads a vocabulary or template asset, turning a missing file into an error that says what to pass. */
async function readAsset<T>(filePath: string, read: (filePath: string) => Promise<T>): Promise<T> {
  try {
    return await read(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const hint = 'pass the shared/models folder as assetsDirectory (--assets)';
    throw new AppError('NOT_FOUND', `${filePath} not found; ${hint}`, { cause: error });
  }
}

async function shapeMetadata(shape: ModelShape, assetsDirectory: string): Promise<GgufMetadataEntry[]> {
  const vocabularyPath = path.join(assetsDirectory, 'vocab', shape.vocabularyFile);
  const vocabulary = await readAsset(vocabularyPath, readGgufMetadata);
  const entries = [
    gguf.string('general.architecture', shape.architecture),
    gguf.string('general.type', 'model'),
    gguf.string('general.name', shape.displayName),
    gguf.string('general.description', 'Synthetic shape-only model (random weights) for speed tests'),
    gguf.uint32('general.file_type', LLAMA_FILE_TYPE[shape.fileType]),
    ...architectureEntries(shape),
    ...tokenizerEntries(shape, vocabulary),
  ];
  if (shape.chatTemplateFile) {
    const templatePath = path.join(assetsDirectory, 'templates', shape.chatTemplateFile);
    const template = await readAsset(templatePath, (filePath) => readFile(filePath, 'utf8'));
    entries.push(gguf.string('tokenizer.chat_template', template));
  }
  if (shape.fileType !== 'F16') entries.push(gguf.uint32('general.quantization_version', 2)); // GGML_QNT_VERSION
  return entries;
}

function tensorSources(shape: ModelShape, seed: number): GgufTensorSource[] {
  const random = new SeededRandom(seed);
  const scratch = createScratch();
  return describeShapeTensors(shape).map(({ name, dims, type, init }) => {
    const byteSize = tensorByteSize(type, dims);
    const data = (): Iterable<Uint8Array> => randomTensorChunks({ type, byteSize, init }, random, scratch);
    return { name, dims, type: GGML_TYPES[type].id, byteSize, data };
  });
}

/** Writes a GGUF with `shape`'s exact tensor shapes and types, random weights and its real tokenizer. */
export async function generateShapedModel(
  options: GenerateShapedModelOptions,
): Promise<GeneratedShapedModel> {
  const shape = typeof options.shape === 'string' ? findModelShape(options.shape) : options.shape;
  const filePath = path.resolve(options.outputPath);
  await mkdir(path.dirname(filePath), { recursive: true });
  const metadata = await shapeMetadata(shape, options.assetsDirectory ?? defaultAssetsDirectory());
  const tensors = tensorSources(shape, options.seed ?? 1);
  const { onProgress, signal } = options;
  const { sizeBytes } = await writeGgufFile({ filePath, metadata, tensors, onProgress, signal });
  return {
    filePath,
    sizeBytes,
    tensorCount: tensors.length,
    referenceSizeBytes: shape.referenceSizeBytes,
    referenceSizeExact: shape.referenceSizeExact,
  };
}

/** Every tensor of `shape` in file order, with the ggml type llama.cpp would give it. */
export function describeShapeTensors(shape: ModelShape): (PlannedTensor & { readonly type: GgmlTypeName })[] {
  const context = { layerCount: shape.layerCount, tiedEmbeddings: shape.tiedOutput };
  return shapeTensors(shape).map((tensor) => ({
    ...tensor,
    type:
      shape.fileType === 'Q4_K_M'
        ? selectQ4KMType(tensor.name, tensor.dims, context)
        : selectF16Type(tensor.name, tensor.dims),
  }));
}
