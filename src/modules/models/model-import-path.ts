/** Where a model file registered through the API may live: under MODELS_DIR or MODEL_IMPORT_DIRS. */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, errors } from '../../shared/errors.js';

/** Whether `candidate` is `directory` itself or lies below it (both already absolute and real). */
export function isWithin(directory: string, candidate: string): boolean {
  const relative = path.relative(directory, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

const notAllowed = () =>
  new AppError(
    'MODEL_PATH_NOT_ALLOWED',
    'Only files under MODELS_DIR or a directory in MODEL_IMPORT_DIRS can be registered',
    { details: { field: 'file_path' } },
  );

/** The real paths of the allowed directories that exist (a symlinked MODELS_DIR counts as its target). */
async function realDirectories(directories: readonly string[]): Promise<string[]> {
  const resolved = await Promise.all(
    directories.map((directory) => realpath(directory).catch(() => undefined)),
  );
  return resolved.filter((directory): directory is string => directory !== undefined);
}

/**
 * The real path (symlinks and `..` resolved) of a file an API caller wants registered, when it is a
 * regular file inside an allowed directory. Outside paths all get the same answer, whether they exist
 * or not, so the API cannot be used to probe the server's file system.
 */
export async function resolveImportPath(
  filePath: string,
  allowedDirectories: readonly string[],
): Promise<string> {
  const roots = await realDirectories(allowedDirectories);
  const requested = path.resolve(filePath);
  const real = await realpath(requested).catch(() => undefined);
  if (real === undefined) {
    const lexicallyInside = allowedDirectories.some((directory) =>
      isWithin(path.resolve(directory), requested),
    );
    if (lexicallyInside) throw errors.validation(`No file at ${requested}`, 'file_path');
    throw notAllowed();
  }
  if (!roots.some((root) => isWithin(root, real))) throw notAllowed();
  if (!(await stat(real)).isFile()) throw errors.validation('file_path is not a regular file', 'file_path');
  return real;
}
