/** A GGUF file already on this machine (the offline install): checked and hashed before registration. */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errors } from '../../shared/errors.js';
import { notAGguf, startsWithGgufMagic } from './download-body-checks.js';

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
 * Checks that `filePath` names a readable regular file starting with the GGUF magic, then hashes it.
 * Each failure is a VALIDATION_ERROR or NOT_A_GGUF that names the path and what is wrong.
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
  return { filePath: real, sizeBytes: info.size, sha256: await fileSha256(real) };
}
