import type { Kysely } from 'kysely';
import path from 'node:path';
import type { Database } from '../../db/tables.js';
import type { EmbeddingModel } from '../../providers/embeddings/embedding-model.js';
import type { Sandbox } from '../../providers/sandbox/sandboxed-process.js';
import { AppError } from '../../shared/errors.js';
import type { JobContext, JobHandler } from '../jobs/job-worker.js';
import type { RetrievalIndex } from '../retrieval/sqlite-retrieval-index.js';
import { chunkDocument, type Chunk } from './chunking/chunker.js';
import type { DocumentRepository } from './document.repository.js';
import { EMBED_JOB, INGEST_JOB } from './documents.service.js';
import type { DocumentKind } from './extraction/extracted-document.js';
import { extractDocument, type ExtractionLimits } from './extraction/extraction-runner.js';
import type { FileStore } from './file-store.js';

/** The embedding model in use, if any; swapped when the configuration changes. */
export interface EmbeddingSource {
  readonly model: EmbeddingModel | undefined;
}

/** What gets embedded for a chunk: its heading path and table header give the text its context. */
export function embeddingText(chunk: {
  heading?: string | null;
  tableHeader?: string;
  content: string;
}): string {
  return [chunk.heading, chunk.tableHeader, chunk.content].filter(Boolean).join('\n');
}

/** Job handlers for ingestion (extract → chunk → embed → index, atomically) and re-embedding. */
export function createIngestionHandlers(dependencies: {
  db: Kysely<Database>;
  documents: DocumentRepository;
  index: RetrievalIndex;
  files: FileStore;
  embeddings: EmbeddingSource;
  limits: ExtractionLimits;
  /** Where extraction runs (its semaphore is EXTRACTION_CONCURRENCY); a process-wide default otherwise. */
  sandbox?: Sandbox;
  chunking: { chunkSize: number; overlap: number };
  clock: () => Date;
  onWarning?: (message: string) => void;
}): Record<string, JobHandler> {
  const { db, documents, index, files, embeddings, limits, chunking, clock } = dependencies;
  const nowIso = () => clock().toISOString();

  const embedChunks = async (texts: string[], signal: AbortSignal) => {
    const model = embeddings.model;
    if (!model || texts.length === 0) return undefined;
    try {
      return { model: model.id, vectors: await model.embed(texts, signal) };
    } catch (error) {
      // Keyword search still works; the embed job (queued at start) fills the vectors in later.
      dependencies.onWarning?.(`embedding failed, document indexed for keywords only: ${String(error)}`);
      return undefined;
    }
  };

  const ingest: JobHandler = async (payload, context: JobContext) => {
    const documentId = (payload as { documentId: string }).documentId;
    const document = await documents.findById(documentId);
    if (!document) return; // deleted while queued
    await documents.setStatus(documentId, 'PROCESSING', null, nowIso());
    let chunks: Chunk[];
    let extracted;
    try {
      extracted = await extractDocument(
        files.pathOf(document.stored_name),
        document.kind as DocumentKind,
        limits,
        context.signal,
        dependencies.sandbox,
      );
      // Sized with the embedding model's own tokenizer when there is one (its context is the limit).
      const model = embeddings.model;
      const countTokens = model?.countTokens ? (text: string) => model.countTokens!(text) : undefined;
      chunks = chunkDocument(extracted, { ...chunking, countTokens });
      if (chunks.length === 0)
        throw new AppError(
          'EXTRACTION_FAILED',
          'No text could be extracted (a scanned PDF or an image-only file needs OCR, which is not supported yet)',
        );
    } catch (error) {
      const final =
        !(error instanceof AppError && error.retryable) || context.job.attempts >= context.job.max_attempts;
      if (final && !context.signal.aborted) {
        // Never show server paths to users: name the file as they know it.
        const message = describe(error).replaceAll(
          files.pathOf(document.stored_name),
          document.original_filename,
        );
        await documents.setStatus(documentId, 'FAILED', message, nowIso());
        return;
      }
      throw error;
    }
    const embedded = await embedChunks(
      chunks.map((chunk) => embeddingText(chunk)),
      context.signal,
    );
    const title = extracted.title?.trim() || path.parse(document.original_filename).name;
    await db.transaction().execute(async (trx) => {
      await index.replaceChunks(trx, documentId, title, chunks, embedded?.vectors);
      await documents.markProcessed(
        trx,
        documentId,
        {
          title,
          content: extracted.text,
          page_count: extracted.pageCount ?? null,
          chunk_count: chunks.length,
          embedding_model: embedded?.model ?? null,
        },
        nowIso(),
      );
    });
  };

  const embed: JobHandler = async (payload, context) => {
    const documentId = (payload as { documentId: string }).documentId;
    const model = embeddings.model;
    if (!model) return;
    const chunks = await index.chunksOf(documentId);
    if (chunks.length === 0) return;
    const texts = chunks.map((chunk) => {
      const meta = JSON.parse(chunk.metadata) as { table_header?: string };
      return embeddingText({
        heading: chunk.heading,
        tableHeader: meta.table_header,
        content: chunk.content,
      });
    });
    const vectors = await model.embed(texts, context.signal);
    await db.transaction().execute(async (trx) => {
      await index.replaceVectors(
        trx,
        documentId,
        chunks.map((chunk, position) => ({ seq: chunk.seq, vector: vectors[position]! })),
      );
      await documents.setEmbeddingModel(trx, documentId, model.id);
    });
  };

  return { [INGEST_JOB]: ingest, [EMBED_JOB]: embed };
}

function describe(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return `Could not read the file: ${error instanceof Error ? error.message : 'unknown error'}`;
}
