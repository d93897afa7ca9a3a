import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** ../shared/models relative to the project root (CI clones the project beside shared/). */
export const SHARED_MODELS_DIR = path.resolve(import.meta.dirname, '../../../shared/models');

const verified = new Map<string, string>();

/** Absolute path of a file in ../shared/models, after checking it against SHA256SUMS (fails loudly). */
export function sharedModel(relativePath: string): string {
  const cached = verified.get(relativePath);
  if (cached) return cached;
  const sums = readFileSync(path.join(SHARED_MODELS_DIR, 'SHA256SUMS'), 'utf8');
  const expected = sums
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([, name]) => name === relativePath)?.[0];
  if (!expected) throw new Error(`${relativePath} is not listed in ${SHARED_MODELS_DIR}/SHA256SUMS`);
  const filePath = path.join(SHARED_MODELS_DIR, relativePath);
  const actual = createHash('sha256').update(readFileSync(filePath)).digest('hex');
  if (actual !== expected) {
    throw new Error(
      `${filePath} has sha256 ${actual}, expected ${expected}: the shared model file is damaged`,
    );
  }
  verified.set(relativePath, filePath);
  return filePath;
}

/** The real tiny trained model used by functional tests. */
export const storiesModel = () => sharedModel('stories260K.gguf');
