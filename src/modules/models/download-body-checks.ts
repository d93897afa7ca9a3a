/** Checks on a model download's bytes as they stream: the GGUF magic first, then a size cap. */
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { AppError } from '../../shared/errors.js';

/** Every GGUF file starts with these four bytes. */
export const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');

/** NOT_A_GGUF; names no byte of what was received (it may be an internal page's body). */
export const notAGguf = (): AppError =>
  new AppError('NOT_A_GGUF', 'The file is not a GGUF model (its first bytes are not the GGUF magic)');

/** MODEL_TOO_LARGE for a download that is, or announces it will be, over the cap. */
export const tooLarge = (maxBytes: number): AppError =>
  new AppError('MODEL_TOO_LARGE', `The file is larger than the ${maxBytes}-byte limit for this pull`, {
    details: { maxBytes },
  });

/** Options for createBodyChecks. */
export interface BodyCheckOptions {
  /** Bytes already on disk before this body (a resumed part: its magic was checked when written). */
  readonly offset: number;
  /** Largest allowed size of the whole file. */
  readonly maxBytes?: number;
  /** Called with each chunk that passed, in order, before it is written on. */
  readonly onChunk: (chunk: Buffer) => void;
}

/**
 * A pass-through that holds the first bytes of a fresh download until it has seen the GGUF magic, so
 * nothing else is ever written to disk, and fails once the file grows past `maxBytes`.
 */
export function createBodyChecks(options: BodyCheckOptions): Transform {
  let received = options.offset;
  let held: Buffer[] = [];
  let heldLength = 0;
  let magicSeen = options.offset > 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (options.maxBytes !== undefined && received > options.maxBytes)
        return callback(tooLarge(options.maxBytes));
      if (magicSeen) {
        options.onChunk(chunk);
        return callback(null, chunk);
      }
      held.push(chunk);
      heldLength += chunk.length;
      if (heldLength < GGUF_MAGIC.length) return callback();
      const head = Buffer.concat(held);
      held = [];
      if (!head.subarray(0, GGUF_MAGIC.length).equals(GGUF_MAGIC)) return callback(notAGguf());
      magicSeen = true;
      options.onChunk(head);
      callback(null, head);
    },
    flush(callback) {
      callback(magicSeen ? null : notAGguf());
    },
  });
}

/** Whether a file starts with the GGUF magic (false when it is shorter or unreadable). */
export async function startsWithGgufMagic(filePath: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(filePath, 'r');
    const head = Buffer.alloc(GGUF_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(GGUF_MAGIC);
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
