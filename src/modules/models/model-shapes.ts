import { AppError } from '../../shared/errors.js';

// The catalogue of real models whose exact tensor shapes and types we can synthesise. Hyperparameters
// and metadata follow each model's Hugging Face config and its published Q4_K_M / F16 GGUF release.

/** GGUF token types (llama_token_type): 3 = control, 4 = user-defined. */
export type AddedTokenType = 3 | 4;

/** A token the real release has but the shared vocabulary file lacks (it holds the older Qwen2 list). */
export interface AddedToken {
  /** Token id. */
  readonly id: number;
  /** Token text as stored in tokenizer.ggml.tokens. */
  readonly text: string;
  /** Control (3) for special tokens, user-defined (4) for plain added text like `<think>`. */
  readonly type: AddedTokenType;
}

/** Differences between the shared vocabulary file and the real release's tokenizer metadata. */
export interface TokenizerOverrides {
  /** Tokens written over the vocabulary's `[PADnnn]` placeholders or renamed. */
  readonly addedTokens: readonly AddedToken[];
  /** Special token ids written as tokenizer.ggml.*_token_id (unset ids are copied as they are). */
  readonly specialTokenIds: Readonly<Record<string, number>>;
  /** tokenizer.ggml.add_bos_token, when the release sets it. */
  readonly addBosToken?: boolean;
}

/** One synthesisable model shape. */
export interface ModelShape {
  /** Catalogue name used by the CLI and the file name, e.g. `qwen2.5-0.5b-instruct-q4_k_m`. */
  readonly name: string;
  /** Human name written as general.name. */
  readonly displayName: string;
  /** llama.cpp architecture (general.architecture). */
  readonly architecture: 'qwen2' | 'bert';
  /** Quantisation mix of the real release. */
  readonly fileType: 'Q4_K_M' | 'F16';
  /** Hidden size (n_embd). */
  readonly hiddenSize: number;
  /** Transformer blocks. */
  readonly layerCount: number;
  /** Attention heads. */
  readonly headCount: number;
  /** Key/value heads (grouped-query attention); equals headCount without GQA. */
  readonly kvHeadCount: number;
  /** FFN intermediate size. */
  readonly feedForwardSize: number;
  /** Vocabulary size (rows of token_embd). */
  readonly vocabularySize: number;
  /** Trained context length. */
  readonly contextLength: number;
  /** RoPE base frequency (decoder shapes only). */
  readonly ropeTheta?: number;
  /** RMS-norm epsilon (qwen2) or layer-norm epsilon (bert). */
  readonly normEpsilon: number;
  /** True when the output matrix is token_embd itself (no output.weight tensor). */
  readonly tiedOutput: boolean;
  /** Vocabulary GGUF file name under the assets' `vocab/` folder. */
  readonly vocabularyFile: string;
  /** Chat template file name under the assets' `templates/` folder, for chat models. */
  readonly chatTemplateFile?: string;
  /** Tokenizer differences from the vocabulary file. */
  readonly tokenizer: TokenizerOverrides;
  /** Size in bytes of the real release's file, for comparison. */
  readonly referenceSizeBytes: number;
  /** Whether referenceSizeBytes is the exact published size or a rounded figure. */
  readonly referenceSizeExact: boolean;
}

const CONTROL = 3;
const USER_DEFINED = 4;

const addedTokens = (firstId: number, type: AddedTokenType, texts: readonly string[]): AddedToken[] =>
  texts.map((text, index) => ({ id: firstId + index, text, type }));

/** Qwen2.5 added tokens 151646–151664 (151643–151645 are already in the Qwen2 vocabulary). */
const QWEN25_ADDED_TOKENS: readonly AddedToken[] = [
  ...addedTokens(151646, CONTROL, ['<|object_ref_start|>', '<|object_ref_end|>', '<|box_start|>']),
  ...addedTokens(151649, CONTROL, ['<|box_end|>', '<|quad_start|>', '<|quad_end|>', '<|vision_start|>']),
  ...addedTokens(151653, CONTROL, ['<|vision_end|>', '<|vision_pad|>', '<|image_pad|>', '<|video_pad|>']),
  ...addedTokens(151657, USER_DEFINED, ['<tool_call>', '</tool_call>']),
  ...addedTokens(151659, CONTROL, ['<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|fim_pad|>']),
  ...addedTokens(151663, CONTROL, ['<|repo_name|>', '<|file_sep|>']),
];

/** DeepSeek-R1-Distill-Qwen renames the first seven Qwen2.5 special tokens. */
const R1_DISTILL_ADDED_TOKENS: readonly AddedToken[] = [
  ...QWEN25_ADDED_TOKENS.filter((token) => token.id > 151649),
  ...addedTokens(151643, CONTROL, ['<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>']),
  ...addedTokens(151646, CONTROL, ['<｜begin▁of▁sentence｜>', '<|EOT|>']),
  ...addedTokens(151648, USER_DEFINED, ['<think>', '</think>']),
];

const QWEN25_TOKENIZER: TokenizerOverrides = {
  addedTokens: QWEN25_ADDED_TOKENS,
  specialTokenIds: { bos: 151643, eos: 151645, padding: 151643 },
  addBosToken: false,
};

const QWEN2_COMMON = {
  architecture: 'qwen2',
  fileType: 'Q4_K_M',
  kvHeadCount: 2,
  vocabularySize: 151_936,
  normEpsilon: 1e-6,
  vocabularyFile: 'ggml-vocab-qwen2.gguf',
} as const;

const SHAPES: readonly ModelShape[] = [
  {
    ...QWEN2_COMMON,
    name: 'qwen2.5-0.5b-instruct-q4_k_m',
    displayName: 'Qwen2.5 0.5B Instruct',
    hiddenSize: 896,
    layerCount: 24,
    headCount: 14,
    feedForwardSize: 4864,
    contextLength: 32_768,
    ropeTheta: 1_000_000,
    tiedOutput: true,
    chatTemplateFile: 'Qwen-Qwen2.5-7B-Instruct.jinja',
    tokenizer: QWEN25_TOKENIZER,
    referenceSizeBytes: 397_807_360,
    referenceSizeExact: true,
  },
  {
    ...QWEN2_COMMON,
    name: 'qwen2.5-1.5b-instruct-q4_k_m',
    displayName: 'Qwen2.5 1.5B Instruct',
    hiddenSize: 1536,
    layerCount: 28,
    headCount: 12,
    feedForwardSize: 8960,
    contextLength: 32_768,
    ropeTheta: 1_000_000,
    tiedOutput: true,
    chatTemplateFile: 'Qwen-Qwen2.5-7B-Instruct.jinja',
    tokenizer: QWEN25_TOKENIZER,
    referenceSizeBytes: 986_047_936,
    referenceSizeExact: true,
  },
  {
    ...QWEN2_COMMON,
    name: 'deepseek-r1-distill-qwen-1.5b-q4_k_m',
    displayName: 'DeepSeek R1 Distill Qwen 1.5B',
    hiddenSize: 1536,
    layerCount: 28,
    headCount: 12,
    feedForwardSize: 8960,
    // Distilled from Qwen2.5-Math-1.5B: its config has a 131072 context and rope_theta 10000, not 1e6.
    contextLength: 131_072,
    ropeTheta: 10_000,
    tiedOutput: false,
    chatTemplateFile: 'deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja',
    tokenizer: {
      addedTokens: R1_DISTILL_ADDED_TOKENS,
      specialTokenIds: { bos: 151646, eos: 151643, padding: 151643 },
      addBosToken: true,
    },
    referenceSizeBytes: 1_120_000_000,
    referenceSizeExact: false,
  },
  {
    name: 'bge-small-en-v1.5-f16',
    displayName: 'bge-small-en-v1.5',
    architecture: 'bert',
    fileType: 'F16',
    hiddenSize: 384,
    layerCount: 12,
    headCount: 12,
    kvHeadCount: 12,
    feedForwardSize: 1536,
    vocabularySize: 30_522,
    contextLength: 512,
    normEpsilon: 1e-12,
    tiedOutput: false,
    vocabularyFile: 'ggml-vocab-bert-bge.gguf',
    tokenizer: { addedTokens: [], specialTokenIds: {} },
    referenceSizeBytes: 67_000_000,
    referenceSizeExact: false,
  },
];

/** Every shape in the catalogue, in display order. */
export function listModelShapes(): readonly ModelShape[] {
  return SHAPES;
}

/** The shape called `name` (case-insensitive), or a NOT_FOUND error that lists the valid names. */
export function findModelShape(name: string): ModelShape {
  const shape = SHAPES.find((candidate) => candidate.name === name.toLowerCase());
  if (!shape) {
    const known = SHAPES.map((candidate) => candidate.name);
    throw new AppError('NOT_FOUND', `model shape "${name}" not found; known shapes: ${known.join(', ')}`, {
      details: { known },
    });
  }
  return shape;
}
