import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelRow } from './model.repository.js';

/**
 * The id under which the registry shows the model MODEL_PATH names when no registered row holds the
 * same file. Loading and removing accept it like a registered id.
 */
export const CONFIGURED_MODEL_ID = 'config';

/** The name the engine and the registry give the file MODEL_PATH names (its file name, without .gguf). */
export function configuredModelName(configuredPath: string): string {
  return path.basename(configuredPath, '.gguf');
}

/** Whether two paths name one file, however spelt (relative, `..`, a symlink). */
export function sameFile(first: string, second: string): boolean {
  return canonicalPath(first) === canonicalPath(second);
}

function canonicalPath(filePath: string): string {
  const resolved = path.resolve(filePath);
  try {
    return realpathSync(resolved);
  } catch {
    // A missing file has no real path; compare what was written.
    return resolved;
  }
}

/**
 * The registry row MODEL_PATH stands for when the file is not registered: it exists only in the
 * configuration, so it is built from the file each time (the same on every replica, nothing stored).
 */
export function configuredModelRow(configuredPath: string): ModelRow {
  const stat = statSync(configuredPath, { throwIfNoEntry: false });
  return {
    id: CONFIGURED_MODEL_ID,
    name: configuredModelName(configuredPath),
    file_path: path.resolve(configuredPath),
    source_url: null,
    sha256: null,
    size_bytes: stat?.size ?? null,
    kind: 'chat',
    is_active: 1,
    created_at: (stat?.mtime ?? new Date(0)).toISOString(),
  };
}
