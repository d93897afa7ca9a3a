import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { variables, type VariableSpec } from './config.schema.js';

type Groups = typeof variables;
type ValueOf<S> = S extends VariableSpec<infer T> ? T : never;

/** The validated, frozen configuration, grouped as in config.schema.ts, with derived paths resolved. */
export type Config = {
  readonly [G in keyof Groups]: { readonly [K in keyof Groups[G]]: ValueOf<Groups[G][K]> };
} & {
  readonly storage: { readonly modelsDir: string; readonly filesDir: string; readonly sqlitePath?: string };
};

/** Raised when one or more variables are invalid; the message lists each one and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Options for loadConfig. */
export interface LoadConfigOptions {
  /** Path of an optional .env file whose values fill in variables the environment lacks. */
  readonly dotenvPath?: string;
}

/** Reads the environment (and an optional .env) once, validates every variable, and freezes the result. */
export function loadConfig(
  environment: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): Config {
  const fromFile =
    options.dotenvPath && existsSync(options.dotenvPath) ? parseDotenv(readFileSync(options.dotenvPath)) : {};
  const source = { ...fromFile, ...environment };
  const problems: string[] = [];
  const result: Record<string, Record<string, unknown>> = {};
  for (const [groupName, group] of Object.entries(variables)) {
    const values: Record<string, unknown> = {};
    for (const [key, variable] of Object.entries(group) as [string, VariableSpec<unknown>][]) {
      const raw = source[variable.name];
      if (raw === undefined) {
        values[key] = variable.default;
        continue;
      }
      try {
        values[key] = variable.parse(raw);
      } catch (error) {
        problems.push(`${variable.name}: ${(error as Error).message}`);
      }
    }
    result[groupName] = values;
  }
  const config = result as unknown as Mutable<Config>;
  if (problems.length === 0) checkRelations(config, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  resolvePaths(config);
  return deepFreeze(config);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

function checkRelations(config: Mutable<Config>, problems: string[]): void {
  const secret = config.auth.jwtSecret;
  if (secret !== undefined && secret.length < 32) {
    problems.push('JWT_SECRET_KEY: must be at least 32 characters (or unset to generate one)');
  }
  if (config.retrieval.chunkOverlap >= config.retrieval.chunkSize) {
    problems.push('CHUNK_OVERLAP: must be smaller than CHUNK_SIZE');
  }
  const url = config.storage.databaseUrl;
  if (
    url !== undefined &&
    /^[a-z]+:\/\//i.test(url) &&
    !/^postgres(ql)?:\/\//i.test(url) &&
    !url.startsWith('file:')
  ) {
    problems.push('DATABASE_URL: expected a SQLite file path or a postgres:// URL');
  }
}

function resolvePaths(config: Mutable<Config>): void {
  const dataDir = path.resolve(config.storage.dataDir);
  config.storage.dataDir = dataDir;
  config.storage.modelsDir = path.resolve(config.model.modelsDir ?? path.join(dataDir, 'models'));
  config.storage.filesDir = path.join(dataDir, 'files');
  const url = config.storage.databaseUrl;
  if (url === undefined) config.storage.sqlitePath = path.join(dataDir, 'privatestack.db');
  else if (!/^postgres(ql)?:\/\//i.test(url))
    config.storage.sqlitePath = path.resolve(url.replace(/^file:/, ''));
  if (config.model.path !== undefined) config.model.path = path.resolve(config.model.path);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The process's configuration: its environment plus `.env` in the working directory. */
export function loadProcessConfig(): Config {
  return loadConfig(process.env, { dotenvPath: path.resolve('.env') });
}

/** Lists every variable with its default and description (the README's table; a test keeps them in step). */
export function describeVariables(): { name: string; default: unknown; description: string }[] {
  return Object.values(variables).flatMap((group) =>
    Object.values(group).map((variable: VariableSpec<unknown>) => ({
      name: variable.name,
      default: variable.default,
      description: variable.description,
    })),
  );
}
