/**
 * Whether a GGUF file on disk holds every byte its header promises: a copy cut short (a USB stick
 * pulled early) starts with a valid header, passes the magic check and only fails inside llama.cpp.
 * Reads the header, metadata and tensor infos only (a few MB of a 1 GB file), never the weights.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../shared/errors.js';
import { GGML_TYPE_SIZES } from './ggml-type-sizes.js';

/** What the header says about the file's layout. */
export interface GgufLayout {
  /** Number of tensors the header lists. */
  readonly tensorCount: number;
  /** Smallest file size that holds every tensor's data. */
  readonly requiredBytes: number;
  /** Actual size of the file. */
  readonly fileBytes: number;
}

const DEFAULT_ALIGNMENT = 32;
const GGML_MAX_DIMS = 4;
const CHUNK = 1024 * 1024;
/** llama.cpp refuses tensor names of GGML_MAX_NAME (64) bytes or more. */
const GGML_MAX_NAME = 63;
/** Metadata keys are short dotted names; a longer one means the bytes are not a header. */
const MAX_KEY_BYTES = 65_536;
/** Bytes of each fixed-size GGUF metadata value type (8 string and 9 array are variable). */
const VALUE_SIZES: Partial<Record<number, number>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

/** The file ends before a part of the header that it announces. */
class EndOfFile extends Error {}

/** A tensor name as messages show it: names are read from the file, so only harmless characters. */
function printable(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '?');
}

/** NOT_A_GGUF for a file llama.cpp would refuse; `problem` says what is wrong, never quoting file bytes. */
function damaged(filePath: string, problem: string): AppError {
  return new AppError('NOT_A_GGUF', `${filePath} is incomplete or damaged: ${problem}`, {
    details: { reason: 'incomplete' },
  });
}

/** Sequential reads from a file handle through a 1 MiB window; EndOfFile past the file's end. */
class HeaderCursor {
  position = 0;
  /** The part of the header being read, for the message when the file ends inside it. */
  stage = 'header';
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly fileBytes: number,
  ) {}

  /** Makes `length` bytes from the current position readable from the window. */
  private async need(length: number): Promise<Buffer> {
    if (this.position + length > this.fileBytes) throw new EndOfFile();
    const at = this.position - this.windowStart;
    if (at + length <= this.window.length) return this.window;
    const size = Math.max(length, CHUNK);
    const buffer = Buffer.alloc(Math.min(size, this.fileBytes - this.position));
    await this.handle.read(buffer, 0, buffer.length, this.position);
    this.window = buffer;
    this.windowStart = this.position;
    return buffer;
  }

  async u32(): Promise<number> {
    const buffer = await this.need(4);
    const value = buffer.readUInt32LE(this.position - this.windowStart);
    this.position += 4;
    return value;
  }

  /** A u64 as a number; a value beyond 2^53 cannot describe anything in a real file. */
  async u64(): Promise<number> {
    const buffer = await this.need(8);
    const value = buffer.readBigUInt64LE(this.position - this.windowStart);
    this.position += 8;
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  /** Moves past `length` bytes, which must lie inside the file. */
  skip(length: number): void {
    if (this.position + length > this.fileBytes) throw new EndOfFile();
    this.position += length;
  }

  /** A string of at most `maxLength` bytes (longer ones only occur in damaged files). */
  async string(maxLength: number): Promise<string | undefined> {
    const length = await this.u64();
    if (length > maxLength) return undefined;
    const buffer = await this.need(length);
    const start = this.position - this.windowStart;
    this.position += length;
    return buffer.toString('utf8', start, start + length);
  }

  /** Bytes left after the current position. */
  remaining(): number {
    return this.fileBytes - this.position;
  }
}

/**
 * Checks that `filePath` is a GGUF (v2/v3) whose tensors all lie inside the file, with the types,
 * dimensions and alignment llama.cpp requires. Throws NOT_A_GGUF naming the first problem, e.g.
 * "tensor X ends at byte N but the file has M bytes (a copy cut short?)". Messages name the file
 * as `label` (default: `filePath`), e.g. the path the caller typed rather than the resolved one.
 */
export async function checkGgufComplete(filePath: string, label = filePath): Promise<GgufLayout> {
  const handle = await open(filePath, 'r');
  const cursor = new HeaderCursor(handle, (await handle.stat()).size);
  try {
    return await readLayout(cursor, label);
  } catch (error) {
    if (!(error instanceof EndOfFile)) throw error;
    throw damaged(label, `it ends inside its ${cursor.stage} (${cursor.fileBytes} bytes; a copy cut short?)`);
  } finally {
    await handle.close();
  }
}

async function readLayout(cursor: HeaderCursor, filePath: string): Promise<GgufLayout> {
  if (cursor.fileBytes < 4 || (await cursor.u32()) !== 0x46554747)
    throw new AppError('NOT_A_GGUF', 'The file is not a GGUF model (its first bytes are not the GGUF magic)');
  const version = await cursor.u32();
  if (version < 2 || version > 3)
    throw damaged(filePath, 'its GGUF version is not 2 or 3, the ones llama.cpp reads');
  const tensorCount = await cursor.u64();
  const entryCount = await cursor.u64();
  // Every entry and tensor info takes at least this many bytes: a count beyond that is garbage.
  cursor.stage = 'metadata';
  if (entryCount * 13 > cursor.remaining() || tensorCount * 28 > cursor.remaining()) throw new EndOfFile();
  const alignment = await readMetadata(cursor, entryCount, filePath);
  return readTensorInfos(cursor, { tensorCount, alignment }, filePath);
}

/** Skips the metadata, returning `general.alignment` (default 32). */
async function readMetadata(cursor: HeaderCursor, count: number, filePath: string): Promise<number> {
  let alignment = DEFAULT_ALIGNMENT;
  for (let index = 0; index < count; index++) {
    cursor.stage = 'metadata';
    const key = await cursor.string(MAX_KEY_BYTES);
    if (key === undefined) throw damaged(filePath, `metadata key ${index + 1} is implausibly long`);
    const type = await cursor.u32();
    if (key === 'general.alignment') {
      // llama.cpp reads it with gguf_get_val_u32, which aborts on any other type.
      if (type !== 4) throw damaged(filePath, 'general.alignment is not a u32');
      alignment = await cursor.u32();
      if (alignment === 0 || (alignment & (alignment - 1)) !== 0)
        throw damaged(filePath, 'general.alignment is not a power of two');
      continue;
    }
    await skipValue(cursor, type, filePath);
  }
  return alignment;
}

async function skipValue(cursor: HeaderCursor, type: number, filePath: string): Promise<void> {
  const size = VALUE_SIZES[type];
  if (size !== undefined) return cursor.skip(size);
  if (type === 8) return cursor.skip(await cursor.u64());
  if (type !== 9) throw damaged(filePath, 'a metadata value has a type GGUF does not define');
  const elementType = await cursor.u32();
  const length = await cursor.u64();
  const elementSize = VALUE_SIZES[elementType];
  if (elementSize !== undefined) return cursor.skip(length * elementSize);
  if (elementType !== 8) throw damaged(filePath, 'a metadata array has an element type GGUF does not define');
  if (length * 8 > cursor.remaining()) throw new EndOfFile();
  for (let index = 0; index < length; index++) cursor.skip(await cursor.u64());
}

/** Reads the tensor infos and checks each tensor's data against the file's size. */
async function readTensorInfos(
  cursor: HeaderCursor,
  header: { tensorCount: number; alignment: number },
  filePath: string,
): Promise<GgufLayout> {
  const tensors: { name: string; offset: number; bytes: number }[] = [];
  for (let index = 0; index < header.tensorCount; index++) {
    cursor.stage = 'tensor infos';
    const name = await cursor.string(GGML_MAX_NAME);
    if (name === undefined) throw damaged(filePath, `tensor ${index + 1}'s name is too long`);
    const dimensionCount = await cursor.u32();
    if (dimensionCount < 1 || dimensionCount > GGML_MAX_DIMS)
      throw damaged(filePath, `tensor ${printable(name)} has no or more than ${GGML_MAX_DIMS} dimensions`);
    const dimensions: number[] = [];
    for (let axis = 0; axis < dimensionCount; axis++) dimensions.push(await cursor.u64());
    const type = await cursor.u32();
    const offset = await cursor.u64();
    tensors.push({ name, offset, bytes: tensorBytes(name, type, dimensions, filePath) });
  }
  const dataStart = Math.ceil(cursor.position / header.alignment) * header.alignment;
  let requiredBytes = dataStart;
  for (const tensor of tensors) {
    if (tensor.offset % header.alignment !== 0)
      throw damaged(filePath, `tensor ${printable(tensor.name)} is not aligned to ${header.alignment} bytes`);
    const end = dataStart + tensor.offset + tensor.bytes;
    if (end > cursor.fileBytes)
      throw damaged(
        filePath,
        `tensor ${printable(tensor.name)} ends at byte ${end} but the file has ${cursor.fileBytes} bytes (a copy cut short?)`,
      );
    requiredBytes = Math.max(requiredBytes, end);
  }
  return { tensorCount: header.tensorCount, requiredBytes, fileBytes: cursor.fileBytes };
}

/** Bytes of a tensor's data, from its ggml type's block layout; damaged when it has none. */
function tensorBytes(name: string, type: number, dimensions: readonly number[], filePath: string): number {
  const layout = GGML_TYPE_SIZES[type];
  if (!layout) throw damaged(filePath, `tensor ${printable(name)} has a type this llama.cpp does not know`);
  const width = dimensions[0] ?? 0;
  if (width % layout.blockElements !== 0)
    throw damaged(filePath, `tensor ${printable(name)}'s rows do not fill whole blocks of its type`);
  const elements = dimensions.reduce((product, dimension) => product * dimension, 1);
  const bytes = (elements / layout.blockElements) * layout.blockBytes;
  if (!Number.isSafeInteger(bytes))
    throw damaged(filePath, `tensor ${printable(name)} has impossible dimensions`);
  return bytes;
}
