import { open, rename, rm } from 'node:fs/promises';

/** GGUF metadata value type ids, as in gguf-py's GGUFValueType. */
export const GgufValueType = {
  Uint8: 0,
  Int8: 1,
  Uint16: 2,
  Int16: 3,
  Uint32: 4,
  Int32: 5,
  Float32: 6,
  Bool: 7,
  String: 8,
  Array: 9,
  Uint64: 10,
  Int64: 11,
  Float64: 12,
} as const;

/** Any scalar GGUF value type id (everything but Array). */
export type GgufScalarType = Exclude<(typeof GgufValueType)[keyof typeof GgufValueType], 9>;

/** A JavaScript value that a scalar GGUF type can hold. */
export type GgufScalarValue = number | bigint | boolean | string;

/** One metadata value: a typed scalar or a typed one-level array. */
export type GgufValue =
  | { readonly type: GgufScalarType; readonly value: GgufScalarValue }
  | { readonly type: 9; readonly elementType: GgufScalarType; readonly values: readonly GgufScalarValue[] };

/** One metadata key/value pair, written in the order given. */
export interface GgufMetadataEntry {
  /** Dotted key, e.g. `qwen2.block_count`. */
  readonly key: string;
  /** Typed value; the type decides the on-disk encoding. */
  readonly value: GgufValue;
}

/** A tensor to write: its header entry plus a producer of exactly `byteSize` bytes of data. */
export interface GgufTensorSource {
  /** Tensor name, e.g. `blk.0.attn_q.weight`. */
  readonly name: string;
  /** Dimensions in ggml order (ne0 = row width first). */
  readonly dims: readonly number[];
  /** ggml type id. */
  readonly type: number;
  /** Exact size of the tensor's data in bytes (without alignment padding). */
  readonly byteSize: number;
  /** Yields the data; a yielded buffer may be reused by the producer once the next one is requested. */
  readonly data: () => Iterable<Uint8Array>;
}

/** What `writeGgufFile` needs: where, what, and whom to tell about progress. */
export interface GgufWriteRequest {
  /** Final path; data goes to `<path>.partial` first and is renamed on success. */
  readonly filePath: string;
  /** Metadata entries in file order. */
  readonly metadata: readonly GgufMetadataEntry[];
  /** Tensors in file order. */
  readonly tensors: readonly GgufTensorSource[];
  /** Called after every chunk written. */
  readonly onProgress?: (bytesWritten: number, totalBytes: number) => void;
  /** Stops the write between chunks; the partial file is removed and the signal's reason thrown. */
  readonly signal?: AbortSignal;
}

/** Shorthand constructors for metadata entries. */
export const gguf = {
  /** A UTF-8 string entry. */
  string: (key: string, value: string): GgufMetadataEntry => ({ key, value: { type: 8, value } }),
  /** A uint32 entry. */
  uint32: (key: string, value: number): GgufMetadataEntry => ({ key, value: { type: 4, value } }),
  /** A float32 entry. */
  float32: (key: string, value: number): GgufMetadataEntry => ({ key, value: { type: 6, value } }),
  /** A bool entry. */
  bool: (key: string, value: boolean): GgufMetadataEntry => ({ key, value: { type: 7, value } }),
};

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const GGUF_VERSION = 3;
/** llama.cpp's default data alignment (GGUF_DEFAULT_ALIGNMENT); we never write general.alignment. */
export const GGUF_ALIGNMENT = 32;

/** Rounds `offset` up to the next multiple of `alignment`. */
export function alignTo(offset: number, alignment = GGUF_ALIGNMENT): number {
  return Math.ceil(offset / alignment) * alignment;
}

type ScalarWriter = (buffer: Buffer, value: GgufScalarValue, at: number) => unknown;

/** Byte size and encoder of every fixed-size scalar type. */
const SCALAR_WRITERS: Record<Exclude<GgufScalarType, 8>, readonly [number, ScalarWriter]> = {
  0: [1, (b, v, at) => b.writeUInt8(Number(v), at)],
  1: [1, (b, v, at) => b.writeInt8(Number(v), at)],
  2: [2, (b, v, at) => b.writeUInt16LE(Number(v), at)],
  3: [2, (b, v, at) => b.writeInt16LE(Number(v), at)],
  4: [4, (b, v, at) => b.writeUInt32LE(Number(v), at)],
  5: [4, (b, v, at) => b.writeInt32LE(Number(v), at)],
  6: [4, (b, v, at) => b.writeFloatLE(Number(v), at)],
  7: [1, (b, v, at) => b.writeUInt8(v === true ? 1 : 0, at)],
  10: [8, (b, v, at) => b.writeBigUInt64LE(BigInt(v), at)],
  11: [8, (b, v, at) => b.writeBigInt64LE(BigInt(v), at)],
  12: [8, (b, v, at) => b.writeDoubleLE(Number(v), at)],
};

/** Growable little-endian byte buffer for the header (a few MB with a 150k-token vocabulary). */
class ByteWriter {
  private buffer = Buffer.alloc(1 << 20);
  private length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  u32(value: number): void {
    this.ensure(4);
    this.length = this.buffer.writeUInt32LE(value, this.length);
  }

  u64(value: number | bigint): void {
    this.ensure(8);
    this.length = this.buffer.writeBigUInt64LE(BigInt(value), this.length);
  }

  string(value: string): void {
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.u64(byteLength);
    this.ensure(byteLength);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  scalar(type: GgufScalarType, value: GgufScalarValue): void {
    if (type === GgufValueType.String) return this.string(String(value));
    const [size, write] = SCALAR_WRITERS[type];
    this.ensure(size);
    write(this.buffer, value, this.length);
    this.length += size;
  }

  padTo(alignment: number): void {
    const padding = alignTo(this.length, alignment) - this.length;
    this.ensure(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function writeMetadataEntry(writer: ByteWriter, entry: GgufMetadataEntry): void {
  writer.string(entry.key);
  writer.u32(entry.value.type);
  if (entry.value.type !== 9) {
    writer.scalar(entry.value.type, entry.value.value);
    return;
  }
  writer.u32(entry.value.elementType);
  writer.u64(entry.value.values.length);
  for (const element of entry.value.values) writer.scalar(entry.value.elementType, element);
}

/** Encodes everything before the tensor data (padded to the alignment) and each tensor's data offset. */
export function encodeGgufHeader(
  metadata: readonly GgufMetadataEntry[],
  tensors: readonly Omit<GgufTensorSource, 'data'>[],
): { header: Buffer; dataOffsets: number[]; dataBytes: number } {
  const writer = new ByteWriter();
  writer.u32(GGUF_MAGIC);
  writer.u32(GGUF_VERSION);
  writer.u64(tensors.length);
  writer.u64(metadata.length);
  for (const entry of metadata) writeMetadataEntry(writer, entry);
  const dataOffsets: number[] = [];
  let dataBytes = 0;
  for (const tensor of tensors) {
    writer.string(tensor.name);
    writer.u32(tensor.dims.length);
    for (const dimension of tensor.dims) writer.u64(dimension);
    writer.u32(tensor.type);
    writer.u64(dataBytes);
    dataOffsets.push(dataBytes);
    dataBytes += alignTo(tensor.byteSize);
  }
  writer.padTo(GGUF_ALIGNMENT);
  return { header: writer.bytes(), dataOffsets, dataBytes };
}

/** Streams a GGUF v3 file to disk without holding the tensor data in memory; returns its size. */
export async function writeGgufFile(request: GgufWriteRequest): Promise<{ sizeBytes: number }> {
  const { header, dataBytes } = encodeGgufHeader(request.metadata, request.tensors);
  const totalBytes = header.length + dataBytes;
  const partialPath = `${request.filePath}.partial`;
  const handle = await open(partialPath, 'w');
  let bytesWritten = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    request.signal?.throwIfAborted();
    await handle.write(chunk, 0, chunk.length, bytesWritten);
    bytesWritten += chunk.length;
    request.onProgress?.(bytesWritten, totalBytes);
  };
  try {
    await write(header);
    for (const tensor of request.tensors) {
      const start = bytesWritten;
      for (const chunk of tensor.data()) await write(chunk);
      if (bytesWritten - start !== tensor.byteSize) {
        throw new Error(
          `tensor ${tensor.name}: wrote ${bytesWritten - start} bytes, expected ${tensor.byteSize}`,
        );
      }
      const padding = alignTo(tensor.byteSize) - tensor.byteSize;
      if (padding > 0) await write(new Uint8Array(padding));
    }
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partialPath, { force: true });
    throw error;
  }
  await rename(partialPath, request.filePath);
  return { sizeBytes: totalBytes };
}
