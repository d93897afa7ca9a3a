import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configuredCatalog } from '../modules/models/model-catalog.js';
import { ConfigError, loadConfig } from './config.js';

const folder = mkdtempSync(path.join(tmpdir(), 'privatestack-catalog-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const good = {
  id: 'acme-approved-chat',
  file_name: 'Acme-Chat-Q4_K_M.gguf',
  repository: 'acme/approved-models',
  revision: 'v1.2',
  size_bytes: 1234,
  sha256: 'AB'.repeat(32),
  kind: 'chat',
  description: 'The model legal approved',
};

let count = 0;
function fileWith(content: unknown): string {
  const file = path.join(folder, `catalog-${++count}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The configuration problems for this MODEL_CATALOG_FILE content, as the start would print them. */
function problemsFor(content: unknown): string {
  try {
    loadConfig({ DATA_DIR: folder, MODEL_CATALOG_FILE: fileWith(content) });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('MODEL_CATALOG_FILE', () => {
  it('adds an organisation entry and replaces a built-in id, under MODEL_HUB_URL', () => {
    const replacement = { ...good, id: 'qwen2.5-0.5b-instruct', sha256: 'cd'.repeat(32) };
    const config = loadConfig({
      DATA_DIR: folder,
      MODEL_HUB_URL: 'https://mirror.acme.internal/hf/',
      MODEL_CATALOG_FILE: fileWith({ models: [good, replacement] }),
    });
    const catalog = configuredCatalog(config.modelSources);
    expect(catalog.find('ACME-approved-chat')).toMatchObject({
      fileName: 'Acme-Chat-Q4_K_M.gguf',
      sha256: 'ab'.repeat(32),
      sizeApproximate: false,
      url: 'https://mirror.acme.internal/hf/acme/approved-models/resolve/v1.2/Acme-Chat-Q4_K_M.gguf',
    });
    expect(catalog.find('qwen2.5-0.5b-instruct')?.sha256).toBe('cd'.repeat(32));
    expect(catalog.list().filter((entry) => entry.name === 'qwen2.5-0.5b-instruct')).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"models": [', /cannot read .* as JSON/],
    ['no models list', { entries: [] }, /expected \{"models": \[ … \]\}/],
    [
      'a missing hash',
      { models: [{ ...good, sha256: undefined }] },
      /models\[0\]: "sha256" must be 64 hex digits/,
    ],
    [
      'a path in a file name',
      { models: [{ ...good, file_name: '../x.gguf' }] },
      /"file_name" must be a \.gguf/,
    ],
    ['a repository with a path', { models: [{ ...good, repository: 'a/b/c' }] }, /"repository" must be/],
    ['an unknown field', { models: [{ ...good, url: 'http://x' }] }, /unknown field "url"/],
    ['a repeated id', { models: [good, good] }, /models\[1\]: id "acme-approved-chat" appears twice/],
    ['an inexact size', { models: [{ ...good, size_bytes: 1.5 }] }, /"size_bytes" must be the exact/],
    ['the reserved id "config"', { models: [{ ...good, id: 'config' }] }, /"id" "config" is reserved/],
  ])('stops the start, naming the variable and the entry, for %s', (_label, content, expected) => {
    const message = problemsFor(content);
    expect(message).toContain('MODEL_CATALOG_FILE: ');
    expect(message).toMatch(expected);
  });

  it('stops the start for a file that does not exist', () => {
    expect(() =>
      loadConfig({ DATA_DIR: folder, MODEL_CATALOG_FILE: path.join(folder, 'none.json') }),
    ).toThrow(/MODEL_CATALOG_FILE: cannot read .*none\.json as JSON \(ENOENT\)/);
  });
});

describe('MODEL_HUB_URL', () => {
  it.each(['ftp://mirror', 'https://user:pw@mirror', 'https://mirror/?a=1', 'mirror.internal'])(
    'refuses %s',
    (value) => {
      expect(() => loadConfig({ DATA_DIR: folder, MODEL_HUB_URL: value })).toThrow(/MODEL_HUB_URL: expected/);
    },
  );
});
