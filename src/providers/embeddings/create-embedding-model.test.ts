import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../../../test/helpers/shared-models.js';
import { loadConfig } from '../../config/config.js';
import { createEmbeddingModelFromConfig, describeEmbeddingSetting } from './create-embedding-model.js';
import { appErrorOf } from '../../../test/helpers/errors.js';

let modelsDir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  modelsDir = mkdtempSync(path.join(tmpdir(), 'embedding-models-'));
  symlinkSync(storiesModel(), path.join(modelsDir, 'stories260K.gguf'));
  // A minimal OpenAI-compatible server answering every request with 3-dimension vectors.
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const { input, model } = JSON.parse(raw) as { input: string[]; model: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: input.map((_, index) => ({ object: 'embedding', index, embedding: [1, 2, 2] })),
          model,
          usage: { prompt_tokens: input.length, total_tokens: input.length },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  rmSync(modelsDir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const config = (env: Record<string, string>) => loadConfig({ MODELS_DIR: modelsDir, ...env });

const failure = appErrorOf;

describe('createEmbeddingModelFromConfig', () => {
  it('returns undefined when EMBEDDINGS_MODEL is unset', async () => {
    expect(await createEmbeddingModelFromConfig(config({}))).toBeUndefined();
    expect(describeEmbeddingSetting(config({}))).toEqual({
      configured: false,
      provider: undefined,
      model: undefined,
    });
  });

  it('requires EMBEDDINGS_BASE_URL for a remote model', async () => {
    const settings = config({ EMBEDDINGS_MODEL: 'remote:nomic-embed-text' });
    const error = await failure(createEmbeddingModelFromConfig(settings));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toContain('EMBEDDINGS_BASE_URL');
    expect(describeEmbeddingSetting(settings)).toEqual({
      configured: true,
      provider: 'remote',
      model: 'remote:nomic-embed-text',
    });
  });

  it('creates a remote model when the base URL is set', async () => {
    const model = await createEmbeddingModelFromConfig(
      config({
        EMBEDDINGS_MODEL: 'remote:nomic-embed-text',
        EMBEDDINGS_BASE_URL: `http://127.0.0.1:${port}/v1/`,
      }),
    );
    expect(model?.id).toBe('remote:nomic-embed-text');
    expect(model?.provider).toBe('remote');
    expect(model?.dimensions).toBe(3);
    const [vector] = await model!.embed(['hello']);
    expect(Array.from(vector!)).toEqual([1 / 3, 2 / 3, 2 / 3].map(Math.fround));
    await model!.dispose();
  });

  it('loads a .gguf path as a local model named after the file', async () => {
    const settings = config({ EMBEDDINGS_MODEL: storiesModel() });
    expect(describeEmbeddingSetting(settings)).toEqual({
      configured: true,
      provider: 'local',
      model: 'stories260K',
    });
    const model = await createEmbeddingModelFromConfig(settings);
    try {
      expect(model?.id).toBe('stories260K');
      expect(model?.provider).toBe('local');
      expect(model?.dimensions).toBe(64);
      expect(await model!.embed(['Once upon a time'])).toHaveLength(1);
    } finally {
      await model?.dispose();
    }
  });

  it('resolves a .gguf path relative to the working directory', async () => {
    const relative = path.relative(process.cwd(), storiesModel());
    const model = await createEmbeddingModelFromConfig(config({ EMBEDDINGS_MODEL: relative }));
    expect(model?.id).toBe('stories260K');
    await model?.dispose();
  });

  it('finds a file name inside the models directory', async () => {
    for (const name of ['stories260K', 'stories260K.gguf']) {
      const model = await createEmbeddingModelFromConfig(config({ EMBEDDINGS_MODEL: name }));
      expect(model?.id).toBe('stories260K');
      await model?.dispose();
    }
  });

  it('honours options.modelsDir over the configured one', async () => {
    const settings = loadConfig({
      MODELS_DIR: path.join(modelsDir, 'elsewhere'),
      EMBEDDINGS_MODEL: 'stories260K',
    });
    const model = await createEmbeddingModelFromConfig(settings, { modelsDir });
    expect(model?.id).toBe('stories260K');
    await model?.dispose();
  });

  it('explains how to install a catalog model that is not downloaded', async () => {
    const settings = config({ EMBEDDINGS_MODEL: 'bge-small-en-v1.5' });
    expect(describeEmbeddingSetting(settings)).toEqual({
      configured: true,
      provider: 'local',
      model: 'bge-small-en-v1.5',
    });
    const error = await failure(createEmbeddingModelFromConfig(settings));
    expect(error.code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect(error.message).toContain('npx privatestack models pull bge-small-en-v1.5');
    expect(error.message).toContain(path.join(modelsDir, 'bge-small-en-v1.5-q8_0.gguf'));
  });

  it('reports a missing .gguf path with the path and an install hint', async () => {
    const missing = path.join(modelsDir, 'nowhere', 'custom-embedder.gguf');
    const error = await failure(createEmbeddingModelFromConfig(config({ EMBEDDINGS_MODEL: missing })));
    expect(error.code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('npx privatestack models pull');
  });
});
