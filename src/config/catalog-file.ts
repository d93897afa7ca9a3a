/**
 * MODEL_CATALOG_FILE: an organisation's own catalogue entries (its approved models on its mirror),
 * read and checked once at start so a typo stops the start instead of failing a later pull.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One entry of the file, checked; ids are lower case because `models pull` matches them so. */
export interface CatalogFileEntry {
  /** The id people type (`npx privatestack models pull <id>`); replaces a built-in entry of that id. */
  readonly id: string;
  /** File name inside the repository, also the name it is saved under. */
  readonly fileName: string;
  /** Repository on the hub (`owner/name`). */
  readonly repository: string;
  /** Revision (commit or tag) in the `<repo>/resolve/<revision>/<file>` path. */
  readonly revision: string;
  /** Exact size in bytes (the download may not exceed it by more than 1 %). */
  readonly sizeBytes: number;
  /** Lower-case hex SHA-256 the downloaded file must have. */
  readonly sha256: string;
  /** Whether the model chats or embeds. */
  readonly kind: 'chat' | 'embedding';
  /** One line for `models catalog`. */
  readonly description: string;
  /** Quantisation label, shown only. */
  readonly quantization: string;
  /** Trained context length, when the file states it (0: unknown). */
  readonly contextLength: number;
  /** Licence of the weights, shown only (null: the file does not state it). */
  readonly licence: string | null;
  /** True when the model thinks aloud before answering. */
  readonly reasoning: boolean;
}

/** What MODEL_CATALOG_FILE parses to: where the file is and its checked entries. */
export interface CatalogFile {
  /** Absolute path of the file. */
  readonly path: string;
  /** Its entries, in file order. */
  readonly entries: readonly CatalogFileEntry[];
}

// Path segments of `<hub>/<repo>/resolve/<revision>/<file>`: no slashes, dots-only or URL syntax.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const ID = /^[a-z0-9][a-z0-9._:-]{0,199}$/;

type Json = Record<string, unknown>;

function field<T>(entry: Json, name: string, check: (value: unknown) => T | undefined, wanted: string): T {
  const value = check(entry[name]);
  if (value === undefined) throw new Error(`"${name}" must be ${wanted}`);
  return value;
}

const matching = (pattern: RegExp) => (value: unknown) =>
  typeof value === 'string' && pattern.test(value) ? value : undefined;
const nonEmptyText = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
const optional =
  <T>(check: (value: unknown) => T | undefined, fallback: T) =>
  (value: unknown) =>
    value === undefined ? fallback : check(value);
const wholeNumber = (min: number) => (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : undefined;

const KNOWN_FIELDS = new Set([
  'id',
  'file_name',
  'repository',
  'revision',
  'size_bytes',
  'sha256',
  'kind',
  'description',
  'quantization',
  'context_length',
  'licence',
  'reasoning',
]);

/** Checks one entry; throws an Error naming the first field that is wrong. */
function parseEntry(entry: Json): CatalogFileEntry {
  const unknown = Object.keys(entry).find((key) => !KNOWN_FIELDS.has(key));
  if (unknown !== undefined) throw new Error(`unknown field "${unknown}"`);
  // "config" is the registry's id for the model MODEL_PATH names (modules/models/configured-model.ts).
  if (entry.id === 'config') throw new Error('"id" "config" is reserved for the model MODEL_PATH names');
  const repository = field(entry, 'repository', nonEmptyText, 'a repository such as "owner/name"');
  if (!repository.split('/').every((part) => SEGMENT.test(part)) || repository.split('/').length !== 2)
    throw new Error('"repository" must be "owner/name" (letters, digits, . _ -)');
  return {
    id: field(entry, 'id', matching(ID), 'lower-case letters, digits, . _ : - (at most 200)'),
    fileName: field(entry, 'file_name', matching(/^[A-Za-z0-9_][A-Za-z0-9._-]*\.gguf$/), 'a .gguf file name'),
    repository,
    revision: field(entry, 'revision', matching(SEGMENT), 'a commit or tag (letters, digits, . _ -)'),
    sizeBytes: field(entry, 'size_bytes', wholeNumber(1), 'the exact file size in bytes'),
    sha256: field(entry, 'sha256', matching(/^[0-9a-fA-F]{64}$/), '64 hex digits').toLowerCase(),
    kind: field(entry, 'kind', optional(matching(/^(chat|embedding)$/), 'chat'), '"chat" or "embedding"') as
      'chat' | 'embedding',
    description: field(entry, 'description', nonEmptyText, 'a one-line description'),
    quantization: field(entry, 'quantization', optional(nonEmptyText, 'unknown'), 'text'),
    contextLength: field(entry, 'context_length', optional(wholeNumber(1), 0), 'a positive integer'),
    // Not stated: null, so each client says so in its own words (the admin console translates it).
    licence: field(entry, 'licence', optional(nonEmptyText, null), 'text'),
    reasoning: field(
      entry,
      'reasoning',
      optional((value) => (typeof value === 'boolean' ? value : undefined), false),
      'true or false',
    ),
  };
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and checks the file: `{"models": [{id, file_name, repository, revision, size_bytes, sha256, …}]}`. */
export function parseCatalogFile(raw: string): CatalogFile {
  const filePath = path.resolve(raw.trim());
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot read ${filePath} as JSON (${reason})`, { cause: error });
  }
  if (!isObject(document) || !Array.isArray(document.models))
    throw new Error(`${filePath}: expected {"models": [ … ]}`);
  const seen = new Set<string>();
  const entries = document.models.map((candidate: unknown, index) => {
    try {
      if (!isObject(candidate)) throw new Error('must be an object');
      const entry = parseEntry(candidate);
      if (seen.has(entry.id)) throw new Error(`id "${entry.id}" appears twice`);
      seen.add(entry.id);
      return entry;
    } catch (error) {
      throw new Error(`${filePath}: models[${index}]: ${(error as Error).message}`, { cause: error });
    }
  });
  return { path: filePath, entries };
}
