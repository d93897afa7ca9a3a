/** A GGUF file already on this machine (the offline install): checked and hashed before registration. */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errors } from '../../shared/errors.js';
import { notAGguf, startsWithGgufMagic } from './download-body-checks.js';
import { checkGgufComplete } from './gguf-completeness.js';
import type { CatalogEntry } from './model-catalog.js';

/** What registration needs to know about a local model file. */
export interface LocalModelFile {
  /** Real path (symlinks and `..` resolved): what the registry stores. */
  readonly filePath: string;
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** Lower-case hex SHA-256 of the whole file. */
  readonly sha256: string;
}

/** Lower-case hex SHA-256 of a file, streamed (model files are gigabytes). */
export async function fileSha256(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  return hash.digest('hex');
}

/**
 * Checks that `filePath` names a readable regular file holding a whole GGUF (header read only, so a
 * copy cut short is refused before the slow hash), then hashes it. Each failure is a
 * VALIDATION_ERROR or NOT_A_GGUF that names the path and what is wrong.
 */
export async function inspectLocalModel(filePath: string): Promise<LocalModelFile> {
  const requested = path.resolve(filePath);
  const real = await realpath(requested).catch(() => undefined);
  if (real === undefined) throw errors.validation(`No file at ${requested}`, 'file_path');
  const info = await stat(real);
  if (!info.isFile()) throw errors.validation(`${requested} is not a regular file`, 'file_path');
  await access(real, constants.R_OK).catch(() => {
    throw errors.validation(`${requested} is not readable by this user`, 'file_path');
  });
  if (!(await startsWithGgufMagic(real))) throw notAGguf();
  await checkGgufComplete(real, requested);
  return { filePath: real, sizeBytes: info.size, sha256: await fileSha256(real) };
}

/** A catalogue entry a local file looks like (same file name or size) without having its pinned hash. */
export interface CatalogLookalike {
  /** The entry the file resembles. */
  readonly entry: CatalogEntry;
  /** Whether the file name is the entry's. */
  readonly sameName: boolean;
  /** Whether the size is the entry's exact, published size. */
  readonly sameSize: boolean;
}

/** The pinned catalogue entry `file` resembles by name or exact size while its sha256 differs, if any. */
export function findCatalogLookalike(
  entries: readonly CatalogEntry[],
  file: LocalModelFile,
  fileName: string,
): CatalogLookalike | undefined {
  for (const entry of entries) {
    if (entry.sha256 === undefined || entry.sha256 === file.sha256) continue;
    const sameName = entry.fileName === fileName;
    const sameSize = !entry.sizeApproximate && entry.sizeBytes === file.sizeBytes;
    if (sameName || sameSize) return { entry, sameName, sameSize };
  }
  return undefined;
}

/** What the operator reads about a lookalike: it is not the catalogue's file, and what that means. */
export function lookalikeMessage(lookalike: CatalogLookalike, file: LocalModelFile): string {
  const { entry, sameName, sameSize } = lookalike;
  const what = sameName && sameSize ? 'name and size' : sameName ? 'name' : 'size';
  return (
    `it has the ${what} of the catalogue's ${entry.name} (${entry.sizeBytes} bytes, sha256 ${entry.sha256}) ` +
    `but its sha256 is ${file.sha256} and its size ${file.sizeBytes} bytes: it is not that release` +
    (sameName && sameSize ? ', most likely a damaged copy' : '')
  );
}
