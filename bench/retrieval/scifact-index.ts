/** Indexing BEIR SciFact through the product's chunker and retrieval index (shared by the evaluations). */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/tables.js';
import { chunkDocument } from '../../src/modules/documents/chunking/chunker.js';
import { embeddingText } from '../../src/modules/documents/ingestion.js';
import type { RetrievalIndex } from '../../src/modules/retrieval/sqlite-retrieval-index.js';
import type { EmbeddingModel } from '../../src/providers/embeddings/embedding-model.js';
import type { CorpusDocument } from './scifact.js';

/** What indexing produced: product document id → corpus id, chunk count, and where the time went. */
export interface IndexedCorpus {
  readonly corpusIdOf: Map<string, string>;
  readonly chunks: number;
  readonly indexSeconds: number;
  readonly embedSeconds: number;
}

/**
 * Stores every abstract as a processed document of one workspace ('ws', created here) and indexes its
 * chunks (and vectors when a model is given) with `index.replaceChunks`, as the ingest job does.
 */
export async function indexSciFact(
  db: Kysely<Database>,
  index: RetrievalIndex,
  corpus: readonly CorpusDocument[],
  options: { chunking: { chunkSize: number; overlap: number }; model?: EmbeddingModel },
): Promise<IndexedCorpus> {
  const now = new Date().toISOString();
  await db
    .insertInto('workspaces')
    .values({
      id: 'ws',
      name: 'scifact',
      description: null,
      status: 'active',
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const corpusIdOf = new Map<string, string>();
  let chunkCount = 0;
  let embedMs = 0;
  const started = performance.now();
  for (const document of corpus) {
    const id = crypto.randomUUID();
    corpusIdOf.set(id, document.id);
    const extracted = extractedOf(document);
    const chunks = chunkDocument(extracted, options.chunking);
    chunkCount += chunks.length;
    let vectors: Float32Array[] | undefined;
    if (options.model) {
      const embedStarted = performance.now();
      vectors = await options.model.embed(chunks.map((chunk) => embeddingText(chunk)));
      embedMs += performance.now() - embedStarted;
    }
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('documents')
        .values({
          id,
          workspace_id: 'ws',
          uploaded_by: null,
          original_filename: `${document.id}.txt`,
          stored_name: `${id}.txt`,
          kind: 'text',
          mime_type: 'text/plain',
          size_bytes: extracted.text.length,
          sha256: '',
          visibility: 'workspace',
          metadata: '{}',
          status: 'PROCESSED',
          error: null,
          title: document.title,
          content: extracted.text,
          page_count: null,
          chunk_count: chunks.length,
          embedding_model: options.model?.id ?? null,
          uploaded_at: now,
          processed_at: now,
          updated_at: now,
        })
        .execute();
      await index.replaceChunks(trx, id, document.title, chunks, vectors);
    });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  return {
    corpusIdOf,
    chunks: chunkCount,
    indexSeconds: totalSeconds - embedMs / 1000,
    embedSeconds: embedMs / 1000,
  };
}

/** An abstract as extracted text: one paragraph block per blank-line-separated part, title kept. */
function extractedOf(document: CorpusDocument) {
  const paragraphs = document.text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean);
  const blocks = [];
  let text = '';
  for (const paragraph of paragraphs) {
    if (text) text += '\n\n';
    blocks.push({ type: 'paragraph' as const, start: text.length, end: text.length + paragraph.length });
    text += paragraph;
  }
  return { text, blocks, title: document.title };
}
