import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../../../test/helpers/shared-models.js';
import { AppError } from '../../shared/errors.js';
import type { EmbeddingModel } from './embedding-model.js';
import { loadLocalEmbeddingModel } from './local-embedding-model.js';

let model: EmbeddingModel;

beforeAll(async () => {
  // One thread: on a 2-core machine shared with other tests, two threads mostly wait on each other.
  model = await loadLocalEmbeddingModel({ path: storiesModel(), id: 'stories260K', threads: 1 });
});
afterAll(() => model.dispose());

const norm = (vector: Float32Array) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
const stories = Array.from(
  { length: 20 },
  (_, i) => `Story ${i}: the ${['cat', 'dog', 'bird', 'fish'][i % 4]} played in the park ${i} times.`,
);

describe('local embedding model on a real GGUF (stories260K)', () => {
  it('reports the model dimensions and id', () => {
    expect(model.dimensions).toBe(64);
    expect(model.id).toBe('stories260K');
    expect(model.provider).toBe('local');
  });

  it('returns L2-normalised Float32Arrays', async () => {
    const [vector] = await model.embed(['Once upon a time there was a little girl.']);
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector).toHaveLength(64);
    expect(norm(vector!)).toBeCloseTo(1, 5);
  });

  it('gives the same vector for the same text and different vectors for different texts', async () => {
    const [a, b, c] = await model.embed([
      'The cat sat on the mat.',
      'The cat sat on the mat.',
      'A big red ball',
    ]);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    expect(Array.from(c!)).not.toEqual(Array.from(a!));
  });

  it('truncates a 5,000-word text instead of rejecting it', async () => {
    const long = Array.from({ length: 5000 }, (_, i) => ['Lily', 'played', 'with', 'her', 'dog'][i % 5]).join(
      ' ',
    );
    expect(model.countTokens!(long)).toBeGreaterThan(512);
    const [vector] = await model.embed([long]);
    expect(norm(vector!)).toBeCloseTo(1, 5);
    // Only the start is embedded: the text and its first 10,000 words give the same vector.
    const [again] = await model.embed([`${long} ${long}`]);
    expect(Array.from(again!)).toEqual(Array.from(vector!));
  });

  it('keeps the input order across a batch of 20', async () => {
    const batch = await model.embed(stories);
    const one = await Promise.all(stories.map(async (story) => (await model.embed([story]))[0]!));
    expect(batch).toHaveLength(20);
    batch.forEach((vector, i) => expect(Array.from(vector)).toEqual(Array.from(one[i]!)));
  });

  it('serialises concurrent calls: results equal sequential ones', async () => {
    const sequential = [await model.embed(stories.slice(0, 10)), await model.embed(stories.slice(10))];
    const concurrent = await Promise.all([model.embed(stories.slice(0, 10)), model.embed(stories.slice(10))]);
    expect(concurrent.map((list) => list.map((vector) => Array.from(vector)))).toEqual(
      sequential.map((list) => list.map((vector) => Array.from(vector))),
    );
  });

  it('gives an empty text a zero vector and returns [] for no texts', async () => {
    const [empty] = await model.embed(['']);
    expect(Array.from(empty!).every((value) => value === 0)).toBe(true);
    expect(await model.embed([])).toEqual([]);
  });

  it('stops between texts when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(model.embed(stories, controller.signal)).rejects.toThrow('stop');
    // The queue survives an aborted call.
    expect(await model.embed(['still works'])).toHaveLength(1);
  });

  it('counts tokens with the model tokenizer', () => {
    expect(model.countTokens!('Once upon a time')).toBe(4);
  });

  it('fails with EMBEDDINGS_UNAVAILABLE naming the path when the file is missing', async () => {
    const missing = '/nonexistent/models/bge-small-en-v1.5-q8_0.gguf';
    const error = await loadLocalEmbeddingModel({ path: missing, id: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect((error as AppError).status).toBe(503);
    expect((error as AppError).message).toContain(missing);
  });

  it('fails with EMBEDDINGS_UNAVAILABLE when the file is not a GGUF model', async () => {
    const error = await loadLocalEmbeddingModel({ path: import.meta.filename, id: 'x' }).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect((error as AppError).message).toContain(import.meta.filename);
  });

  it('finishes the running call on dispose, then refuses new ones', async () => {
    const own = await loadLocalEmbeddingModel({ path: storiesModel(), id: 'own', threads: 1 });
    const running = own.embed(['one', 'two']);
    await own.dispose();
    expect(await running).toHaveLength(2);
    const error = await own.embed(['three']).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('EMBEDDINGS_UNAVAILABLE');
    await own.dispose();
  });

  it('measures throughput on 200 short texts (information only)', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `The little dog number ${i} ran to the park.`);
    const started = performance.now();
    const vectors = await model.embed(texts);
    const seconds = (performance.now() - started) / 1000;
    expect(vectors).toHaveLength(200);
    console.log(`stories260K: ${(200 / seconds).toFixed(0)} embeddings/s (200 short texts, 1 thread)`);
  });
});
