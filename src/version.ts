import { existsSync, readFileSync } from 'node:fs';

// src/version.ts runs from the source tree (tsx, vitest) and from dist/src after a build.
const candidates = ['../package.json', '../../package.json'].map(
  (relative) => new URL(relative, import.meta.url),
);
const packageJson = candidates.find((url) => existsSync(url));

/** The package version, read once from package.json. */
export const VERSION: string = packageJson
  ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version
  : '0.0.0';
