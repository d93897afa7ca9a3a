import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/config.js';
import { findCatalogEntry, listCatalog } from '../../modules/models/model-catalog.js';
import { AppError } from '../../shared/errors.js';
import type { EmbeddingModel, EmbeddingProviderKind } from './embedding-model.js';
import { loadLocalEmbeddingModel } from './local-embedding-model.js';
import { createRemoteEmbeddingModel } from './remote-embedding-model.js';

/** What EMBEDDINGS_MODEL asks for, read without loading anything. */
export interface EmbeddingSetting {
  /** Whether EMBEDDINGS_MODEL is set (vector search wanted). */
  readonly configured: boolean;
  readonly provider: EmbeddingProviderKind | undefined;
  /** The id the model would be recorded under: catalog id, file base name or `remote:<name>`. */
  readonly model: string | undefined;
}

/** Options for createEmbeddingModelFromConfig. */
export interface CreateEmbeddingModelOptions {
  /** Where catalog models live; defaults to config.storage.modelsDir. */
  readonly modelsDir?: string;
}

/** A parsed EMBEDDINGS_MODEL: a remote model name, or local candidate files in the order tried. */
type Resolved =
  | { readonly kind: 'remote'; readonly id: string; readonly name: string }
  | { readonly kind: 'local'; readonly id: string; readonly candidates: readonly string[] };

const REMOTE_PREFIX = 'remote:';

/** Reads EMBEDDINGS_MODEL into provider and id without touching files or the network. */
export function describeEmbeddingSetting(config: Config): EmbeddingSetting {
  const resolved = resolveSetting(config.retrieval.embeddingsModel, config.storage.modelsDir);
  if (!resolved) return { configured: false, provider: undefined, model: undefined };
  return { configured: true, provider: resolved.kind, model: resolved.id };
}

/**
 * Loads the embedding model EMBEDDINGS_MODEL names, or undefined when it is unset (keyword search only):
 * - `remote:<name>`: an OpenAI-compatible server at EMBEDDINGS_BASE_URL (VALIDATION_ERROR when unset);
 * - a path ending in `.gguf`, absolute or relative to the working directory (a bare file name is also
 *   looked for in the models directory);
 * - otherwise a catalog id (e.g. `bge-small-en-v1.5`) or a file name inside the models directory.
 * A missing file is AppError EMBEDDINGS_UNAVAILABLE saying how to install it.
 */
export async function createEmbeddingModelFromConfig(
  config: Config,
  options: CreateEmbeddingModelOptions = {},
): Promise<EmbeddingModel | undefined> {
  const modelsDir = options.modelsDir ?? config.storage.modelsDir;
  const resolved = resolveSetting(config.retrieval.embeddingsModel, modelsDir);
  if (!resolved) return undefined;
  const retrieval = config.retrieval;
  if (resolved.kind === 'remote') {
    if (!resolved.name) {
      throw new AppError('VALIDATION_ERROR', 'EMBEDDINGS_MODEL: "remote:" must be followed by a model name', {
        details: { field: 'EMBEDDINGS_MODEL' },
      });
    }
    if (!retrieval.embeddingsBaseUrl?.trim()) {
      throw new AppError(
        'VALIDATION_ERROR',
        `EMBEDDINGS_MODEL=${resolved.id} needs EMBEDDINGS_BASE_URL (an OpenAI-compatible server, ` +
          'e.g. http://10.0.0.5:8080/v1)',
        { details: { field: 'EMBEDDINGS_BASE_URL' } },
      );
    }
    return createRemoteEmbeddingModel({
      baseUrl: retrieval.embeddingsBaseUrl,
      model: resolved.name,
      apiKey: retrieval.embeddingsApiKey,
      batchSize: retrieval.embeddingsBatchSize,
    });
  }
  const file = resolved.candidates.find((candidate) => existsSync(candidate));
  if (!file) throw missingFile(resolved);
  // MODEL_THREADS sizes the chat engine; the embedder keeps its own default (cores - 1) beside it.
  return loadLocalEmbeddingModel({ path: file, id: resolved.id });
}

function resolveSetting(value: string | undefined, modelsDir: string): Resolved | undefined {
  const setting = value?.trim();
  if (!setting) return undefined;
  if (setting.toLowerCase().startsWith(REMOTE_PREFIX)) {
    const name = setting.slice(REMOTE_PREFIX.length).trim();
    return { kind: 'remote', id: `${REMOTE_PREFIX}${name}`, name };
  }
  if (/\.gguf$/i.test(setting)) {
    const bare = path.basename(setting) === setting;
    const candidates = [path.resolve(setting), ...(bare ? [path.join(modelsDir, setting)] : [])];
    return { kind: 'local', id: idForFile(setting), candidates };
  }
  const entry = findCatalogEntry(setting);
  if (entry) {
    return { kind: 'local', id: entry.name, candidates: [path.join(modelsDir, entry.fileName)] };
  }
  return {
    kind: 'local',
    id: setting,
    candidates: [path.join(modelsDir, setting), path.join(modelsDir, `${setting}.gguf`)],
  };
}

/** A catalog file keeps its catalog id (same model, same index, whichever way it is named). */
function idForFile(filePath: string): string {
  const fileName = path.basename(filePath);
  const entry = listCatalog().find(
    (candidate) => candidate.fileName.toLowerCase() === fileName.toLowerCase(),
  );
  return entry?.name ?? fileName.replace(/\.gguf$/i, '');
}

function missingFile(resolved: Extract<Resolved, { kind: 'local' }>): AppError {
  const where = resolved.candidates[0]!;
  const install = findCatalogEntry(resolved.id)?.name;
  const message = install
    ? `Embedding model ${install} is not installed (expected ${where}). ` +
      `Install it with \`npx privatestack models pull ${install}\``
    : `Embedding model file not found: ${where}. Set EMBEDDINGS_MODEL to a .gguf path, or install a ` +
      'catalog embedding model with `npx privatestack models pull <id>` (e.g. `npx privatestack models pull ' +
      `${defaultEmbeddingId()}\`)`;
  return new AppError('EMBEDDINGS_UNAVAILABLE', message, { details: { field: 'EMBEDDINGS_MODEL' } });
}

function defaultEmbeddingId(): string {
  return listCatalog().find((entry) => entry.kind === 'embedding')?.name ?? '<id>';
}
