import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../../shared/errors.js';
import type { GgufMetadataEntry, GgufScalarType, GgufScalarValue, GgufValue } from './gguf-writer.js';

// node-llama-cpp's readGgufFileInfo returns values without their GGUF types (a uint32 id and an int32
// token-type array both come back as numbers), and llama.cpp checks those types on load; copying
// tokenizer metadata faithfully therefore needs this small typed reader.

/** Largest file `readGgufMetadata` accepts: it reads whole files, which suits vocabulary-only GGUFs. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

const invalid = (message: string): AppError => new AppError('VALIDATION_ERROR', message);

type ScalarReader = readonly [size: number, read: (buffer: Buffer, at: number) => GgufScalarValue];

/** Byte size and decoder of every fixed-size scalar type, by GGUF value type id. */
const SCALAR_READERS: Partial<Record<number, ScalarReader>> = {
  0: [1, (b, at) => b.readUInt8(at)],
  1: [1, (b, at) => b.readInt8(at)],
  2: [2, (b, at) => b.readUInt16LE(at)],
  3: [2, (b, at) => b.readInt16LE(at)],
  4: [4, (b, at) => b.readUInt32LE(at)],
  5: [4, (b, at) => b.readInt32LE(at)],
  6: [4, (b, at) => b.readFloatLE(at)],
  7: [1, (b, at) => b.readUInt8(at) !== 0],
  10: [8, (b, at) => b.readBigUInt64LE(at)],
  11: [8, (b, at) => b.readBigInt64LE(at)],
  12: [8, (b, at) => b.readDoubleLE(at)],
};

class ByteReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  u32(): number {
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  u64(): number {
    const value = this.buffer.readBigUInt64LE(this.offset);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('GGUF length field out of range');
    return Number(value);
  }

  string(): string {
    const length = this.u64();
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  scalar(type: number): GgufScalarValue {
    if (type === 8) return this.string();
    const reader = SCALAR_READERS[type];
    if (!reader) throw invalid('unsupported GGUF value type');
    const value = reader[1](this.buffer, this.offset);
    this.offset += reader[0];
    return value;
  }

  value(type: number): GgufValue {
    if (type !== 9) return { type: type as GgufScalarType, value: this.scalar(type) };
    const elementType = this.u32();
    if (elementType === 9) throw invalid('nested GGUF arrays are not supported');
    const count = this.u64();
    const values: GgufScalarValue[] = new Array<GgufScalarValue>(count);
    for (let index = 0; index < count; index++) values[index] = this.scalar(elementType);
    return { type: 9, elementType: elementType as GgufScalarType, values };
  }
}

/**
 * Reads the typed metadata key/values of a (small, vocabulary-only) GGUF v2/v3 file, in file order.
 * Errors name the file and the problem, never a value read from it (the file may not be a GGUF).
 */
export async function readGgufMetadata(filePath: string): Promise<GgufMetadataEntry[]> {
  const { size } = await stat(filePath);
  if (size > MAX_READ_BYTES) throw invalid(`${filePath}: too large for readGgufMetadata (${size} bytes)`);
  const buffer = await readFile(filePath);
  try {
    return readEntries(new ByteReader(buffer), filePath);
  } catch (error) {
    // Buffer reads past the end throw RangeError: a truncated or malformed file.
    if (error instanceof RangeError) throw invalid(`${filePath}: truncated or malformed GGUF file`);
    throw error;
  }
}

function readEntries(reader: ByteReader, filePath: string): GgufMetadataEntry[] {
  if (reader.u32() !== 0x46554747) throw invalid(`${filePath}: not a GGUF file`);
  const version = reader.u32();
  if (version < 2) throw invalid(`${filePath}: GGUF versions before 2 are not supported`);
  reader.u64(); // tensor count: vocabulary files have none, and we never copy tensors
  const entryCount = reader.u64();
  const entries: GgufMetadataEntry[] = [];
  for (let index = 0; index < entryCount; index++) {
    const key = reader.string();
    entries.push({ key, value: reader.value(reader.u32()) });
  }
  return entries;
}
