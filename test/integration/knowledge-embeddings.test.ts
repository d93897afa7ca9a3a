import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeEmbeddingServer } from '../helpers/fake-openai.js';
import { storiesModel } from '../helpers/shared-models.js';
import { startTestApp } from '../helpers/test-app.js';
import { uploadFile, waitForDocument } from '../helpers/upload.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-embed-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const DOCUMENTS: [string, string][] = [
  ['invoices.txt', 'Invoice approval needs the finance director signature before payment.'],
  ['travel.txt', 'Travel requests are approved by the line manager two weeks ahead.'],
  ['garden.txt', 'The office garden is watered on Mondays and Thursdays.'],
];

describe('vector and hybrid retrieval', () => {
  it('indexes vectors with a local GGUF model, then re-embeds everything when the model changes', async () => {
    // 1. A local embedding model (the real llama.cpp engine on the tiny shared GGUF).
    let t = await startTestApp({ model: false, dataDir, env: { EMBEDDINGS_MODEL: storiesModel() } });
    const token = await t.adminToken();
    const workspace = (await t.call('POST', '/api/v1/workspaces', token, { name: 'Ops' })).body.id;
    for (const [name, text] of DOCUMENTS) {
      const uploaded = await uploadFile(t, token, name, text, { workspace_id: workspace });
      const document = await waitForDocument(t, token, uploaded.body.id);
      expect(document).toMatchObject({ status: 'PROCESSED', embedding_model: 'stories260K' });
    }
    const health = await t.call('GET', '/api/v1/rag/health', token);
    expect(health.body).toMatchObject({
      status: 'healthy',
      embeddings: { available: true, model: 'stories260K (64 dimensions)' },
      vector_store: { available: true, total_vectors: 3 },
      errors: [],
    });
    const vector = await t.call('POST', '/api/v1/rag/search', token, {
      query: 'garden watering',
      mode: 'vector',
    });
    expect(vector.body.mode).toBe('vector');
    expect(vector.body.results).toHaveLength(3); // every chunk has a vector; cosine decides the order
    for (const result of vector.body.results) {
      expect(result.scores.bm25).toBeNull();
      expect(result.similarity_score).toBeGreaterThanOrEqual(-1);
    }
    const strict = await t.call('POST', '/api/v1/rag/search', token, {
      query: 'garden watering',
      mode: 'vector',
      similarity_threshold: 1,
    });
    expect(strict.body.results.filter((r: any) => r.similarity_score < 1)).toEqual([]);
    const hybrid = await t.call('POST', '/api/v1/rag/search', token, { query: 'garden watering', top_k: 3 });
    expect(hybrid.body.mode).toBe('hybrid');
    expect(hybrid.body.results[0]).toMatchObject({ filename: 'garden.txt' });
    expect(hybrid.body.results[0].scores.bm25).toBeGreaterThan(0);
    expect(hybrid.body.results[0].scores.vector).not.toBeNull();
    await t.close();

    // 2. Switch to a remote OpenAI-compatible model of another dimension: old vectors are dropped
    //    and every document is re-embedded in the background; keyword search works throughout.
    const remote = await startFakeEmbeddingServer(32);
    try {
      t = await startTestApp({
        model: false,
        dataDir,
        env: { EMBEDDINGS_MODEL: 'remote:hash-embed', EMBEDDINGS_BASE_URL: remote.baseUrl },
      });
      const admin = await t.adminToken();
      const deadline = Date.now() + 20_000;
      let files: any[] = [];
      while (Date.now() < deadline) {
        files = (await t.call('GET', '/api/v1/files', admin)).body.files;
        if (files.every((file) => file.embedding_model === 'remote:hash-embed')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(files.map((file) => file.embedding_model)).toEqual(DOCUMENTS.map(() => 'remote:hash-embed'));
      const config = await t.call('GET', '/api/v1/rag/config', admin);
      expect(config.body.vector_database).toMatchObject({
        indexed_model: 'remote:hash-embed',
        indexed_dimensions: 32,
      });
      expect(config.body.documents.total_vectors).toBe(3);
      const found = await t.call('POST', '/api/v1/rag/search', admin, {
        query: 'finance director signature',
        mode: 'vector',
        top_k: 1,
      });
      expect(found.body.results[0]).toMatchObject({ filename: 'invoices.txt' });
      expect(found.body.results[0].similarity_score).toBeGreaterThan(0.5);
      await t.close();
    } finally {
      await remote.close();
    }
  });

  it('keeps keyword search working and says why when the embedding model cannot load', async () => {
    const t = await startTestApp({ model: false, env: { EMBEDDINGS_MODEL: '/nonexistent/model.gguf' } });
    try {
      const token = await t.adminToken();
      const health = await t.call('GET', '/api/v1/rag/health', token);
      expect(health.body.status).toBe('degraded');
      expect(health.body.errors[0]).toMatch(/nonexistent.*keyword search still works/s);
      const search = await t.call('POST', '/api/v1/rag/search', token, { query: 'anything' });
      expect(search.status).toBe(200);
      expect(search.body.mode).toBe('keyword');
    } finally {
      await t.close();
    }
  });
});
