/**
 * A synthetic knowledge base for latency benchmarks: documents whose text is real SciFact sentences
 * (cycled, so BM25 sees real term statistics) and 384-dimension vectors with cluster structure (there
 * is no real 384-d embedding model on the benchmark machine). Deterministic for a given seed.
 */
import type {
  ExtractedDocument,
  TextBlock,
} from '../../src/modules/documents/extraction/extracted-document.js';
import { estimateTokens } from '../../src/modules/documents/chunking/token-estimate.js';
import type { CorpusDocument } from './scifact.js';

/** Vector length of the synthetic embeddings (all-MiniLM-L6-v2, bge-small and e5-small use 384). */
export const DIMENSIONS = 384;

/** mulberry32: a small, fast, seedable PRNG returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller) from a uniform source. */
export function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = Math.max(random(), 1e-12);
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

/** Scales a vector to unit length in place. */
export function normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  for (let index = 0; index < vector.length; index += 1) vector[index]! /= norm;
  return vector;
}

/** Adds `scale` × (a gaussian vector of expected norm 1) to `target` in place. */
function addNoise(target: Float32Array, normal: () => number, scale: number): void {
  const perComponent = scale / Math.sqrt(target.length);
  for (let index = 0; index < target.length; index += 1) target[index]! += normal() * perComponent;
}

/** How the synthetic vectors are structured (norms of each component before normalising). */
export const VECTOR_MODEL = {
  topics: 256,
  /** A direction shared by every vector: real sentence embeddings are anisotropic. */
  sharedDirection: 0.35,
  topic: 1,
  document: 0.6,
  chunk: 0.5,
  /** Query = a chunk's vector plus this much noise, normalised. */
  query: 0.6,
} as const;

/**
 * Vector generator: topic centroids plus a shared direction; a document draws a topic and its own
 * offset, each chunk adds its own noise; everything L2-normalised.
 */
export function createVectorSource(seed: number) {
  const normal = gaussian(seededRandom(seed));
  const pick = seededRandom(seed + 1);
  const shared = normalise(Float32Array.from({ length: DIMENSIONS }, normal));
  const topics = Array.from({ length: VECTOR_MODEL.topics }, () =>
    normalise(Float32Array.from({ length: DIMENSIONS }, normal)),
  );
  return {
    /** A document's centre (not normalised on purpose: its chunks are). */
    document: (): Float32Array => {
      const topic = topics[Math.floor(pick() * topics.length)]!;
      const centre = new Float32Array(DIMENSIONS);
      for (let index = 0; index < DIMENSIONS; index += 1) {
        centre[index] = VECTOR_MODEL.sharedDirection * shared[index]! + VECTOR_MODEL.topic * topic[index]!;
      }
      addNoise(centre, normal, VECTOR_MODEL.document);
      return centre;
    },
    /** One chunk of a document, written into `target`. */
    chunk: (centre: Float32Array, target: Float32Array): void => {
      target.set(centre);
      addNoise(target, normal, VECTOR_MODEL.chunk);
      normalise(target);
    },
    /** A query near a chunk: its vector perturbed, normalised. */
    query: (near: Float32Array): Float32Array => {
      const query = Float32Array.from(near);
      addNoise(query, normal, VECTOR_MODEL.query);
      return normalise(query);
    },
  };
}

/** Sentences of the corpus, in corpus order, each with its estimated token count. */
export function sentencePool(corpus: readonly CorpusDocument[]): { text: string; tokens: number }[] {
  const pool: { text: string; tokens: number }[] = [];
  for (const document of corpus) {
    for (const sentence of document.text.split(/(?<=[.!?])\s+(?=[A-Z0-9(])/)) {
      const text = sentence.trim();
      if (text.length >= 20) pool.push({ text, tokens: estimateTokens(text) });
    }
  }
  return pool;
}

/**
 * Builds documents of about `tokensPerDocument` estimated tokens: a heading every few paragraphs,
 * paragraphs of 3–6 consecutive corpus sentences, the sentence cursor cycling through the pool and
 * skipping a few at random so repeated passes do not produce identical chunks.
 */
export function createDocumentSource(
  corpus: readonly CorpusDocument[],
  seed: number,
): (tokensPerDocument: number) => ExtractedDocument {
  const pool = sentencePool(corpus);
  const titles = corpus.map((document) => document.title);
  const random = seededRandom(seed);
  let cursor = 0;
  let documents = 0;
  const next = () => {
    cursor = (cursor + 1 + (random() < 0.1 ? Math.floor(random() * 3) : 0)) % pool.length;
    return pool[cursor]!;
  };
  return (tokensPerDocument) => {
    const title = titles[documents % titles.length]!;
    documents += 1;
    const blocks: TextBlock[] = [];
    let text = '';
    let tokens = 0;
    let paragraphs = 0;
    const append = (part: string, block: Omit<TextBlock, 'start' | 'end'>) => {
      if (text) text += '\n\n';
      blocks.push({ ...block, start: text.length, end: text.length + part.length });
      text += part;
    };
    while (tokens < tokensPerDocument) {
      if (paragraphs % 6 === 0) {
        append(`Section ${paragraphs / 6 + 1}: ${titles[Math.floor(random() * titles.length)]!}`, {
          type: 'heading',
          level: 2,
        });
      }
      const sentences = [];
      for (let count = 3 + Math.floor(random() * 4); count > 0; count -= 1) {
        const sentence = next();
        sentences.push(sentence.text);
        tokens += sentence.tokens;
      }
      append(sentences.join(' '), { type: 'paragraph' });
      paragraphs += 1;
    }
    return { text, blocks, title };
  };
}
