import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../shared/errors.js';

/** A file received into the incoming folder, not yet accepted. */
export interface ReceivedFile {
  readonly tempPath: string;
  readonly size: number;
  readonly sha256: string;
  /** The first bytes, for type detection. */
  readonly head: Buffer;
}

const HEAD_BYTES = 8192;

/**
 * Uploaded files on disk under generated names (never the user's file name): streamed through a
 * hash into `files/.incoming/`, then renamed into `files/` once accepted. Owner-only permissions.
 */
export function createFileStore(filesDir: string) {
  const incoming = path.join(filesDir, '.incoming');
  mkdirSync(incoming, { recursive: true, mode: 0o700 });

  return {
    /** Streams an upload to a temporary file; PAYLOAD_TOO_LARGE past maxBytes (the partial file is removed). */
    receive: async (source: Readable & { truncated?: boolean }, maxBytes: number): Promise<ReceivedFile> => {
      const tempPath = path.join(incoming, `${crypto.randomUUID()}.part`);
      const hash = createHash('sha256');
      const headParts: Buffer[] = [];
      let headLength = 0;
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > maxBytes) {
            callback(tooLarge(maxBytes));
            return;
          }
          hash.update(chunk);
          if (headLength < HEAD_BYTES) {
            headParts.push(chunk.subarray(0, HEAD_BYTES - headLength));
            headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
          }
          callback(null, chunk);
        },
      });
      try {
        await pipeline(source, meter, createWriteStream(tempPath, { mode: 0o600 }));
        // busboy stops at its own limit and flags the stream instead of failing it.
        if (source.truncated) throw tooLarge(maxBytes);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw error;
      }
      return { tempPath, size, sha256: hash.digest('hex'), head: Buffer.concat(headParts) };
    },
    /** Moves an accepted upload to its final generated name. */
    commit: async (received: ReceivedFile, storedName: string) => {
      await rename(received.tempPath, path.join(filesDir, storedName));
    },
    /** Removes a temporary upload. */
    discard: async (received: ReceivedFile) => {
      await rm(received.tempPath, { force: true });
    },
    /** Where a stored file lives. */
    pathOf: (storedName: string) => path.join(filesDir, path.basename(storedName)),
    /** Removes a stored file (missing is fine). */
    remove: async (storedName: string) => {
      await rm(path.join(filesDir, path.basename(storedName)), { force: true });
    },
  };
}

function tooLarge(maxBytes: number) {
  return new AppError('PAYLOAD_TOO_LARGE', `File is larger than the ${maxBytes / 1_048_576} MiB limit`, {
    details: { limit_bytes: maxBytes },
  });
}

/** The file store's shape. */
export type FileStore = ReturnType<typeof createFileStore>;
