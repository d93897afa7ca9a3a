import { blockPatch, GGML_TYPES, toHalfBits, type GgmlTypeName } from './quant-types.js';

/** Standard deviation of the synthetic weights: the order of magnitude of trained transformer weights. */
export const WEIGHT_STD = 0.02;

/** How a tensor's values are initialised: random weights, or the identity values of norms. */
export type TensorInit = 'random' | 'ones' | 'zeros';

/**
 * Marsaglia's xorshift128, seeded through splitmix32: statistically plain but about one nanosecond per
 * 32-bit word in V8, which is what lets a 1 GB file be filled in seconds. Not for anything secret.
 */
export class SeededRandom {
  private x: number;
  private y: number;
  private z: number;
  private w: number;

  /** Seeds the generator; equal seeds give equal streams. */
  constructor(seed: number) {
    let state = seed >>> 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let mixed = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
      mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
      return (mixed ^ (mixed >>> 16)) >>> 0;
    };
    this.x = next();
    this.y = next();
    this.z = next();
    this.w = next() || 1; // the all-zero state is the one fixed point
  }

  /** Writes `count` random 32-bit words into `words`. */
  fillWords(words: Uint32Array, count: number): void {
    let { x, y, z, w } = this;
    for (let index = 0; index < count; index++) {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = w;
      w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
      words[index] = w;
    }
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}

/** Half-precision bits of a uniform distribution with WEIGHT_STD, indexed by 16 random bits. */
let halfTable: Uint16Array | undefined;

function uniformHalfTable(): Uint16Array {
  if (halfTable) return halfTable;
  const amplitude = WEIGHT_STD * Math.sqrt(3);
  halfTable = new Uint16Array(65_536);
  for (let index = 0; index < 65_536; index++) {
    halfTable[index] = toHalfBits(((index + 0.5) / 65_536) * 2 * amplitude - amplitude);
  }
  return halfTable;
}

/** Reusable memory for `randomTensorChunks`; one per file being written. */
export function createScratch(bytes = 4 * 1024 * 1024): ArrayBuffer {
  return new ArrayBuffer(bytes);
}

function fillChunk(
  type: GgmlTypeName,
  init: TensorInit,
  length: number,
  scratch: ArrayBuffer,
  random: SeededRandom,
): void {
  if (type === 'F32' && init !== 'random') {
    new Float32Array(scratch, 0, length / 4).fill(init === 'ones' ? 1 : 0);
    return;
  }
  const words = new Uint32Array(scratch);
  random.fillWords(words, Math.ceil(length / 4));
  if (type === 'F32') {
    const floats = new Float32Array(scratch);
    const scale = (WEIGHT_STD * Math.sqrt(3) * 2) / 2 ** 32;
    const offset = WEIGHT_STD * Math.sqrt(3);
    for (let index = 0; index < length / 4; index++) floats[index] = (words[index] ?? 0) * scale - offset;
  } else if (type === 'F16') {
    const halves = new Uint16Array(scratch);
    const table = uniformHalfTable();
    for (let index = 0; index < length / 2; index++) halves[index] = table[halves[index] ?? 0] ?? 0;
  } else {
    patchBlocks(new Uint8Array(scratch, 0, length), GGML_TYPES[type].blockBytes, type);
  }
}

function patchBlocks(bytes: Uint8Array, blockBytes: number, type: GgmlTypeName): void {
  const patch = blockPatch(type, WEIGHT_STD);
  if (!patch) return;
  const patchLength = patch.bytes.length;
  for (let block = patch.offset; block < bytes.length; block += blockBytes) {
    for (let index = 0; index < patchLength; index++) bytes[block + index] = patch.bytes[index] ?? 0;
  }
}

/** What `randomTensorChunks` should produce. */
export interface RandomTensorRequest {
  /** ggml type of the tensor. */
  readonly type: GgmlTypeName;
  /** Exact data size in bytes. */
  readonly byteSize: number;
  /** Value pattern; only F32 tensors may be `ones` or `zeros`. */
  readonly init: TensorInit;
}

/**
 * Yields the tensor's data in whole blocks, reusing `scratch` for every chunk: each yielded view is
 * valid until the next one is requested, which is how `writeGgufFile` consumes it.
 */
export function* randomTensorChunks(
  request: RandomTensorRequest,
  random: SeededRandom,
  scratch: ArrayBuffer,
): Generator<Uint8Array> {
  const blockBytes = GGML_TYPES[request.type].blockBytes;
  // Keep 3 spare bytes so a chunk whose length is not a multiple of 4 can still be filled word-wise.
  const chunkCapacity = Math.floor((scratch.byteLength - 3) / blockBytes) * blockBytes;
  if (chunkCapacity <= 0) throw new Error('scratch buffer is smaller than one block');
  for (let done = 0; done < request.byteSize;) {
    const length = Math.min(chunkCapacity, request.byteSize - done);
    fillChunk(request.type, request.init, length, scratch, random);
    yield new Uint8Array(scratch, 0, length);
    done += length;
  }
}
