import type { CatalogFileEntry } from '../../config/catalog-file.js';

/** What a catalogue model is for: generating chat replies or embedding text for search. */
export type CatalogModelKind = 'chat' | 'embedding';

/** Where an entry comes from: this code (translated by clients) or the organisation's MODEL_CATALOG_FILE. */
export type CatalogEntrySource = 'builtin' | 'organisation';

/** One recommended GGUF file that `npx privatestack models pull NAME` knows how to fetch and verify. */
export interface CatalogEntry {
  /** Short, stable id users type: `npx privatestack models pull qwen2.5-1.5b-instruct`. */
  readonly name: string;
  /** One line for `models catalog`: what the model is good at on a CPU-only server. */
  readonly description: string;
  /** Whether the model chats or embeds. */
  readonly kind: CatalogModelKind;
  /** Hugging Face repository that publishes the file (`owner/name`). */
  readonly repository: string;
  /** Commit the URL is pinned to, so a later re-upload on `main` cannot break the pinned hash. */
  readonly revision: string;
  /** File name inside the repository, also the name it is saved under. */
  readonly fileName: string;
  /** Direct download URL (`<MODEL_HUB_URL>/<repo>/resolve/<revision>/<file>`). */
  readonly url: string;
  /** Quantisation of the weights (Q4_K_M for chat models here). */
  readonly quantization: string;
  /** Exact file size in bytes when confirmed from a published source, else an estimate. */
  readonly sizeBytes: number;
  /** True when `sizeBytes` could not be confirmed from a source and is only an estimate. */
  readonly sizeApproximate: boolean;
  /** Context length the model was trained for; loaders should not exceed it (0: not stated). */
  readonly contextLength: number;
  /** Estimated resident memory in MiB at context 4096 (see estimateRamMiB for the formula). */
  readonly ramEstimateMiB: number;
  /** Licence of the weights, as published by their authors (null: the organisation's entry does not state it). */
  readonly licence: string | null;
  /** True when the model thinks aloud (`<think>…</think>`) before answering. */
  readonly reasoning: boolean;
  /** Lower-case hex SHA-256 of the file when published; undefined means the downloader records it. */
  readonly sha256?: string;
  /** Built in (its description has translations) or the organisation's own (shown as written). */
  readonly source: CatalogEntrySource;
}

/** Attention shape that decides the KV-cache size: what the RAM estimate needs beyond the file. */
interface KvShape {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

const MIB = 1024 * 1024;
const RAM_ESTIMATE_CONTEXT = 4096;
// Compute buffers, logits and the Node process itself. Calibrated on the 1.5B Qwen shape at context
// 4096 with mmap off (README: 1,378 MiB measured = 940 MiB file + 112 MiB KV + ~326 MiB).
const RUNTIME_OVERHEAD_MIB = 320;

/**
 * RAM needed to run a model at context 4096, in MiB:
 *   file size (the weights are read fully into memory)
 * + KV cache = 2 (K and V) × layers × context × KV heads × head dim × 2 bytes (f16 cache)
 * + a fixed runtime overhead.
 * Encoder-only embedding models keep no KV cache, so their shape is undefined.
 */
export function estimateRamMiB(sizeBytes: number, shape: KvShape | undefined): number {
  const kvBytes = shape ? 2 * shape.layers * RAM_ESTIMATE_CONTEXT * shape.kvHeads * shape.headDim * 2 : 0;
  return Math.ceil((sizeBytes + kvBytes) / MIB + RUNTIME_OVERHEAD_MIB);
}

/** What an entry is written as; the URL and RAM estimate are derived so they cannot drift. */
type EntrySource = Omit<CatalogEntry, 'url' | 'ramEstimateMiB' | 'source'> & {
  readonly kvShape?: KvShape;
  /** Default: built in. */
  readonly source?: CatalogEntrySource;
};

// Every sha256 and exact size below was read from a published source, never computed here:
// Hugging Face LFS pointers or file pages at the pinned revision, or independent projects pinning the
// same revision. The Qwen2.5 sizes are 832 bytes larger than the figures in shared/models/README.md;
// the figures here are the ones published beside these hashes, so they win.
const SOURCES: readonly EntrySource[] = [
  {
    name: 'deepseek-r1-distill-qwen-1.5b',
    description:
      'DeepSeek-R1 reasoning distilled into Qwen2.5-Math-1.5B; thinks before answering, strong at maths',
    kind: 'chat',
    repository: 'unsloth/DeepSeek-R1-Distill-Qwen-1.5B-GGUF',
    // LFS pointer in this commit: oid c2c43b60…, size 1117320576.
    revision: '53d3061d21f4ec2b94f42165101ee7341bad023e',
    fileName: 'DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf',
    quantization: 'Q4_K_M',
    sizeBytes: 1_117_320_576,
    sizeApproximate: false,
    contextLength: 131_072,
    licence: 'MIT (base Qwen2.5-Math-1.5B: Apache-2.0)',
    reasoning: true,
    sha256: 'c2c43b6018cf7700ce0ddee8807deb1a9a26758ef878232f3a142d16df81f0fe',
    kvShape: { layers: 28, kvHeads: 2, headDim: 128 },
  },
  {
    name: 'qwen2.5-1.5b-instruct',
    description: 'Qwen2.5 1.5B Instruct: the best all-round small chat model for a 2-core server',
    kind: 'chat',
    repository: 'bartowski/Qwen2.5-1.5B-Instruct-GGUF',
    revision: '9eadc66189c7641e1ddd226b8267a9119b2ce2d4',
    fileName: 'Qwen2.5-1.5B-Instruct-Q4_K_M.gguf',
    quantization: 'Q4_K_M',
    sizeBytes: 986_048_768,
    sizeApproximate: false,
    contextLength: 32_768,
    licence: 'Apache-2.0',
    reasoning: false,
    sha256: '1adf0b11065d8ad2e8123ea110d1ec956dab4ab038eab665614adba04b6c3370',
    kvShape: { layers: 28, kvHeads: 2, headDim: 128 },
  },
  {
    name: 'qwen2.5-0.5b-instruct',
    description: 'Qwen2.5 0.5B Instruct: fastest useful chat model, for low-memory machines',
    kind: 'chat',
    repository: 'bartowski/Qwen2.5-0.5B-Instruct-GGUF',
    revision: 'b26a58accf53b1a19fbc555d52fdb224bec473f5',
    fileName: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf',
    quantization: 'Q4_K_M',
    sizeBytes: 397_808_192,
    sizeApproximate: false,
    contextLength: 32_768,
    licence: 'Apache-2.0',
    reasoning: false,
    sha256: '6eb923e7d26e9cea28811e1a8e852009b21242fb157b26149d3b188f3a8c8653',
    kvShape: { layers: 24, kvHeads: 2, headDim: 64 },
  },
  {
    name: 'llama-3.2-1b-instruct',
    description: 'Meta Llama 3.2 1B Instruct: compact, multilingual, follows instructions well',
    kind: 'chat',
    repository: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
    revision: 'd52af3776f99ddf220e5ffd3f93b2a4e4df105be',
    fileName: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    quantization: 'Q4_K_M',
    sizeBytes: 807_694_464,
    sizeApproximate: false,
    contextLength: 131_072,
    licence: 'Llama 3.2 Community License',
    reasoning: false,
    sha256: '6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83',
    kvShape: { layers: 16, kvHeads: 8, headDim: 64 },
  },
  {
    name: 'phi-3-mini-4k-instruct',
    description: 'Microsoft Phi-3 mini 4k: the strongest model here, but slow and memory-hungry on CPU',
    kind: 'chat',
    repository: 'microsoft/Phi-3-mini-4k-instruct-gguf',
    revision: '999f761fe19e26cf1a339a5ec5f9f201301cbb83',
    // Microsoft's own release; its model card lists this "q4" file as Q4_K_M.
    fileName: 'Phi-3-mini-4k-instruct-q4.gguf',
    quantization: 'Q4_K_M',
    sizeBytes: 2_393_231_072,
    sizeApproximate: false,
    contextLength: 4096,
    licence: 'MIT',
    reasoning: false,
    sha256: '8a83c7fb9049a9b2e92266fa7ad04933bb53aa1e85136b7b30f1b8000ff2edef',
    // No grouped-query attention: 32 KV heads make its cache 12× Qwen's.
    kvShape: { layers: 32, kvHeads: 32, headDim: 96 },
  },
  {
    name: 'tinyllama-1.1b-chat',
    description: 'TinyLlama 1.1B Chat v1.0: small and quick, but replies are simple; context 2048',
    kind: 'chat',
    repository: 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF',
    revision: '52e7645ba7c309695bec7ac98f4f005b139cf465',
    fileName: 'tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf',
    quantization: 'Q4_K_M',
    sizeBytes: 668_788_096,
    sizeApproximate: false,
    contextLength: 2048,
    licence: 'Apache-2.0',
    reasoning: false,
    sha256: '9fecc3b3cd76bba89d504f29b616eedf7da85b96540e490ca5824d3f7d2776a0',
    kvShape: { layers: 22, kvHeads: 4, headDim: 64 },
  },
  {
    name: 'bge-small-en-v1.5',
    description: 'BAAI bge-small-en-v1.5: 384-dimension English embeddings for knowledge search',
    kind: 'embedding',
    // Published by ggml-org, the llama.cpp maintainers.
    repository: 'ggml-org/bge-small-en-v1.5-Q8_0-GGUF',
    revision: 'f2068edd9b54f2a369549ccc71f70ed273a2a801',
    fileName: 'bge-small-en-v1.5-q8_0.gguf',
    quantization: 'Q8_0',
    sizeBytes: 36_685_152,
    sizeApproximate: false,
    contextLength: 512,
    licence: 'MIT',
    reasoning: false,
    sha256: 'f046db1dc724cf4f6f0a0c5917e922823b73eb1d27b8f9a9c2797f7866974804',
  },
];

/** Where catalogue files come from unless MODEL_HUB_URL names a mirror. */
export const DEFAULT_MODEL_HUB_URL = 'https://huggingface.co';

function toEntry(source: EntrySource, hubUrl: string): CatalogEntry {
  const { kvShape, ...entry } = source;
  return Object.freeze({
    ...entry,
    source: entry.source ?? 'builtin',
    // Hugging Face's layout, which its mirrors and artifact proxies keep.
    url: `${hubUrl}/${entry.repository}/resolve/${entry.revision}/${entry.fileName}`,
    ramEstimateMiB: estimateRamMiB(entry.sizeBytes, kvShape),
  });
}

/** An organisation's entry (MODEL_CATALOG_FILE): exact size and pinned hash; no KV shape, so RAM is the file plus overhead. */
function fromFile(entry: CatalogFileEntry): EntrySource {
  return {
    name: entry.id,
    description: entry.description,
    kind: entry.kind,
    repository: entry.repository,
    revision: entry.revision,
    fileName: entry.fileName,
    quantization: entry.quantization,
    sizeBytes: entry.sizeBytes,
    sizeApproximate: false,
    contextLength: entry.contextLength,
    licence: entry.licence,
    reasoning: entry.reasoning,
    sha256: entry.sha256,
    source: 'organisation',
  };
}

/** The models `pull` knows by id, with their download URLs. */
export interface ModelCatalog {
  /** Every entry: built-in ones in order of recommendation (replaced in place), then added ones. */
  list(): readonly CatalogEntry[];
  /** The entry with this id (case-insensitive), or undefined. */
  find(name: string): CatalogEntry | undefined;
}

/**
 * The catalogue for one configuration: the built-in entries, those of MODEL_CATALOG_FILE added or
 * replacing by id, every URL under `hubUrl` (MODEL_HUB_URL).
 */
export function createModelCatalog(
  options: { hubUrl?: string; extraEntries?: readonly CatalogFileEntry[] } = {},
): ModelCatalog {
  const hubUrl = (options.hubUrl ?? DEFAULT_MODEL_HUB_URL).replace(/\/+$/, '');
  const extra = (options.extraEntries ?? []).map(fromFile);
  const replaced = SOURCES.map((source) => extra.find((entry) => entry.name === source.name) ?? source);
  const added = extra.filter((entry) => !SOURCES.some((source) => source.name === entry.name));
  const entries = Object.freeze([...replaced, ...added].map((source) => toEntry(source, hubUrl)));
  return {
    list: () => entries,
    find: (name) => {
      const wanted = name.trim().toLowerCase();
      return entries.find((entry) => entry.name === wanted);
    },
  };
}

/** The catalogue the configuration describes (config.modelSources: MODEL_HUB_URL, MODEL_CATALOG_FILE). */
export function configuredCatalog(sources: {
  readonly hubUrl: string;
  readonly catalogFile?: { readonly entries: readonly CatalogFileEntry[] };
}): ModelCatalog {
  return createModelCatalog({ hubUrl: sources.hubUrl, extraEntries: sources.catalogFile?.entries });
}

const BUILT_IN = createModelCatalog();

/** The built-in catalogue at Hugging Face, chat models first in order of recommendation. */
export function listCatalog(): readonly CatalogEntry[] {
  return BUILT_IN.list();
}

/** The built-in entry with this short name (case-insensitive), or undefined when the catalogue has none. */
export function findCatalogEntry(name: string): CatalogEntry | undefined {
  return BUILT_IN.find(name);
}
