// ggml tensor types, their block layouts (ggml/src/ggml-common.h) and llama.cpp's per-tensor type
// choice for Q4_K_M (src/llama-quant.cpp, llama_tensor_get_type) and for F16 conversion
// (convert_hf_to_gguf.py), at the llama.cpp commit node-llama-cpp 3.22.1 ships.

/** The ggml types a shaped model can contain. */
export type GgmlTypeName = 'F32' | 'F16' | 'Q5_0' | 'Q8_0' | 'Q4_K' | 'Q6_K';

/** How a ggml type stores its elements. */
export interface GgmlTypeLayout {
  /** ggml_type enum value written into the GGUF tensor info. */
  readonly id: number;
  /** Elements per block (1 for plain floats). */
  readonly blockElements: number;
  /** Bytes per block. */
  readonly blockBytes: number;
}

/** Block layouts, from ggml-common.h's static_asserts. */
export const GGML_TYPES: Readonly<Record<GgmlTypeName, GgmlTypeLayout>> = {
  F32: { id: 0, blockElements: 1, blockBytes: 4 },
  F16: { id: 1, blockElements: 1, blockBytes: 2 },
  Q5_0: { id: 6, blockElements: 32, blockBytes: 22 }, // d, qh[4], qs[16]
  Q8_0: { id: 8, blockElements: 32, blockBytes: 34 }, // d, qs[32]
  Q4_K: { id: 12, blockElements: 256, blockBytes: 144 }, // d, dmin, scales[12], qs[128]
  Q6_K: { id: 14, blockElements: 256, blockBytes: 210 }, // ql[128], qh[64], scales[16], d
};

/** llama_ftype values written as general.file_type. */
export const LLAMA_FILE_TYPE = { F16: 1, Q4_K_M: 15 } as const;

/** Bytes a tensor of `type` with `dims` (ne0 first) occupies, without alignment padding. */
export function tensorByteSize(type: GgmlTypeName, dims: readonly number[]): number {
  const layout = GGML_TYPES[type];
  const width = dims[0] ?? 1;
  if (width % layout.blockElements !== 0) throw new Error(`row width ${width} does not fit ${type} blocks`);
  const elements = dims.reduce((product, dimension) => product * dimension, 1);
  return (elements / layout.blockElements) * layout.blockBytes;
}

/** What llama.cpp needs to know about the model to pick a tensor's type. */
export interface QuantizationContext {
  /** Number of transformer blocks (hparams.n_layer). */
  readonly layerCount: number;
  /** True when the file has no output.weight, so token_embd doubles as the output matrix. */
  readonly tiedEmbeddings: boolean;
}

type Category = 'token_embd' | 'output' | 'attn_v' | 'ffn_down' | 'other';

function categoryOf(name: string): Category {
  if (name === 'output.weight') return 'output';
  if (name === 'token_embd.weight') return 'token_embd';
  if (name.includes('attn_qkv.weight') || name.includes('attn_kv_b.weight')) {
    // Fused QKV goes to Q5_K under Q4_K_M; no catalogue shape has one, so we refuse rather than guess.
    throw new Error(`${name}: fused attention tensors are not supported`);
  }
  if (name.includes('attn_v.weight')) return 'attn_v';
  if (name.includes('ffn_down')) return 'ffn_down';
  return 'other';
}

/** llama.cpp's use_more_bits: the first and last eighth of the layers and every third one between. */
export function usesMoreBits(layer: number, layerCount: number): boolean {
  const eighth = Math.trunc(layerCount / 8);
  return layer < eighth || layer >= Math.trunc((7 * layerCount) / 8) || (layer - eighth) % 3 === 2;
}

/** tensor_allows_quantization: 2-D weights only, never norms or BERT position/token-type tables. */
function allowsQuantization(name: string, dims: readonly number[]): boolean {
  if (dims.length < 2 || !name.endsWith('weight') || name.includes('_norm.weight')) return false;
  return name !== 'position_embd.weight' && name !== 'token_types.weight';
}

/** tensor_type_fallback: widths that are not a multiple of the block size drop to a 32-element type. */
export function fallbackType(type: GgmlTypeName, width: number): GgmlTypeName {
  if (width % GGML_TYPES[type].blockElements === 0) return type;
  const fallback: Partial<Record<GgmlTypeName, GgmlTypeName>> = { Q4_K: 'Q5_0', Q6_K: 'Q8_0' };
  const replacement = fallback[type] ?? type;
  return width % GGML_TYPES[replacement].blockElements === 0 ? replacement : 'F16';
}

function layerOf(name: string): number {
  const match = /^blk\.(\d+)\./.exec(name);
  if (!match?.[1]) throw new Error(`${name}: not a per-layer tensor`);
  return Number(match[1]);
}

/**
 * The type `llama-quantize … Q4_K_M` gives a tensor of a dense (non-MoE, non-Falcon) model that was
 * converted with 1-D tensors in F32. llama.cpp counts attn_v tensors in file order to find the layer;
 * its loader sorts tensors by layer, so that count equals the layer index used here.
 */
export function selectQ4KMType(
  name: string,
  dims: readonly number[],
  context: QuantizationContext,
): GgmlTypeName {
  if (!allowsQuantization(name, dims)) return 'F32';
  const width = dims[0] ?? 0;
  const category = categoryOf(name);
  let type: GgmlTypeName = 'Q4_K';
  if (category === 'output' || (category === 'token_embd' && context.tiedEmbeddings)) {
    // The shared output matrix gets more bits; a width that Q6_K cannot take goes straight to Q8_0.
    type = width % GGML_TYPES.Q4_K.blockElements === 0 ? 'Q6_K' : 'Q8_0';
  } else if (category === 'attn_v' || category === 'ffn_down') {
    if (usesMoreBits(layerOf(name), context.layerCount)) type = 'Q6_K';
  }
  return fallbackType(type, width);
}

/** The type convert_hf_to_gguf.py gives a tensor with `--outtype f16`. */
export function selectF16Type(name: string, dims: readonly number[]): GgmlTypeName {
  if (dims.length <= 1 || name.endsWith('_norm.weight') || !name.endsWith('.weight')) return 'F32';
  if (name === 'position_embd.weight' || name === 'token_types.weight') return 'F32';
  return 'F16';
}

/** IEEE half-precision bits for a finite `value` (round to nearest; subnormals kept). */
export function toHalfBits(value: number): number {
  const sign = value < 0 ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (!Number.isFinite(value) || magnitude >= 65504) throw new Error(`${value} does not fit in fp16`);
  if (magnitude < 2 ** -14) return sign | Math.round(magnitude / 2 ** -24);
  let exponent = Math.floor(Math.log2(magnitude));
  let mantissa = Math.round((magnitude / 2 ** exponent - 1) * 1024);
  if (mantissa >= 1024) {
    mantissa = 0;
    exponent += 1;
  }
  return sign | ((exponent + 15) << 10) | Math.max(mantissa, 0);
}

/** Bytes to stamp over every random block so its scales are small, finite fp16 values. */
export interface BlockPatch {
  /** Offset of the patched bytes inside the block. */
  readonly offset: number;
  /** The bytes written at that offset in every block. */
  readonly bytes: Uint8Array;
}

function halfBytes(value: number): number[] {
  const bits = toHalfBits(value);
  return [bits & 0xff, bits >> 8];
}

/**
 * Fixed scales that make uniformly random quants decode to weights with a standard deviation of
 * about `weightStd` and a mean near zero, so activations stay in the range llama.cpp's kernels
 * see with real models. The derivations use the spread of a uniform n-bit integer.
 */
export function blockPatch(type: GgmlTypeName, weightStd: number): BlockPatch | undefined {
  switch (type) {
    case 'Q4_K': {
      // x = d·sc·q − dmin·m with sc = m = 32 in every sub-block; q ∈ [0,15] has std 4.61, mean 7.5.
      const d = weightStd / (32 * 4.61);
      const scales = [160, 160, 160, 160, 160, 160, 160, 160, 0, 0, 0, 0]; // 6-bit 32s, packed
      return { offset: 0, bytes: Uint8Array.from([...halfBytes(d), ...halfBytes(d * 7.5), ...scales]) };
    }
    case 'Q6_K': // x = d·sc·(q − 32) with sc = 8; q ∈ [0,63] has std 18.47
      return {
        offset: 192,
        bytes: Uint8Array.from([...new Array<number>(16).fill(8), ...halfBytes(weightStd / (8 * 18.47))]),
      };
    case 'Q5_0': // x = d·(q − 16); q ∈ [0,31] has std 9.23
      return { offset: 0, bytes: Uint8Array.from(halfBytes(weightStd / 9.23)) };
    case 'Q8_0': // x = d·q; q ∈ [−128,127] has std 73.9
      return { offset: 0, bytes: Uint8Array.from(halfBytes(weightStd / 73.9)) };
    default:
      return undefined;
  }
}
