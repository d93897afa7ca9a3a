/**
 * Builds a synthetic knowledge base in a fresh SQLite file through the product's own code: migrations
 * (openSqliteDatabase), the chunker, and the retrieval index's replaceChunks / replaceVectors inside
 * transactions, the way the ingestion and embedding jobs write them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteDatabase, type DatabaseHandle } from '../../src/db/database.js';
import type { DocumentVisibility } from '../../src/db/tables.js';
import { chunkDocument, type Chunk } from '../../src/modules/documents/chunking/chunker.js';
import {
  createSqliteRetrievalIndex,
  type RetrievalIndex,
} from '../../src/modules/retrieval/sqlite-retrieval-index.js';
import type { CorpusDocument } from './scifact.js';
import { createDocumentSource, createVectorSource, DIMENSIONS, seededRandom } from './synthetic-corpus.js';

/** Workspaces of the synthetic knowledge base; the reader is a member of all but the last. */
export const WORKSPACES = ['ws-0', 'ws-1', 'ws-2', 'ws-3'] as const;
/** Estimated tokens of text per document: about 20 chunks at the default 512-token chunk size. */
const TOKENS_PER_DOCUMENT = 7200;
/** Documents written per transaction. */
const DOCUMENTS_PER_TRANSACTION = 25;

/** One generated document and where its chunks sit in the vector array. */
export interface BuiltDocument {
  readonly id: string;
  readonly workspaceId: string;
  readonly visibility: DocumentVisibility;
  readonly title: string;
  readonly text: string;
  readonly chunks: Chunk[];
  /** Position of the first chunk in `vectors` (rows of DIMENSIONS floats). */
  readonly firstChunk: number;
}

/** A built knowledge base and how long writing it took. */
export interface KnowledgeBase {
  readonly database: DatabaseHandle;
  readonly index: RetrievalIndex;
  readonly dir: string;
  readonly documents: BuiltDocument[];
  /** Chunk vectors, DIMENSIONS floats per chunk, in document/chunk order. */
  readonly vectors: Float32Array;
  /** Chunk seq by position in `vectors`. */
  readonly seqs: Int32Array;
  readonly chunkCount: number;
  readonly timings: { keywordSeconds: number; vectorSeconds: number; generateSeconds: number };
}

/** The vector of chunk `position`. */
export function vectorAt(base: Pick<KnowledgeBase, 'vectors'>, position: number): Float32Array {
  return base.vectors.subarray(position * DIMENSIONS, (position + 1) * DIMENSIONS);
}

/**
 * Writes `chunkCount` chunks over about chunkCount/20 documents in WORKSPACES: 90 % visible to the
 * workspace, 5 % to managers, 5 % private to their uploader (never the reader). Keyword entries
 * first (replaceChunks without vectors), then vectors (replaceVectors), timed apart.
 */
export async function buildKnowledgeBase(options: {
  chunkCount: number;
  corpus: readonly CorpusDocument[];
  chunking: { chunkSize: number; overlap: number };
  seed?: number;
  log?: (line: string) => void;
}): Promise<KnowledgeBase> {
  const { chunkCount, corpus, chunking, seed = 42, log = () => undefined } = options;
  const dir = mkdtempSync(path.join(tmpdir(), 'privatestack-latency-'));
  const database = await openSqliteDatabase(path.join(dir, 'bench.db'));
  const { db } = database;
  const index = createSqliteRetrievalIndex(db);
  await seedUsersAndWorkspaces(database);

  const generateStart = performance.now();
  const nextText = createDocumentSource(corpus, seed);
  const vectorSource = createVectorSource(seed);
  const random = seededRandom(seed + 7);
  const vectors = new Float32Array(chunkCount * DIMENSIONS);
  const documents: BuiltDocument[] = [];
  let position = 0;
  while (position < chunkCount) {
    const extracted = nextText(TOKENS_PER_DOCUMENT);
    const chunks = chunkDocument(extracted, chunking).slice(0, chunkCount - position);
    const roll = random();
    const number = documents.length;
    documents.push({
      id: `doc-${String(number).padStart(6, '0')}-${crypto.randomUUID().slice(0, 8)}`,
      workspaceId: WORKSPACES[number % WORKSPACES.length]!,
      visibility: roll < 0.9 ? 'workspace' : roll < 0.95 ? 'managers' : 'private',
      title: extracted.title ?? `Document ${number}`,
      text: extracted.text,
      chunks,
      firstChunk: position,
    });
    const centre = vectorSource.document();
    for (let offset = 0; offset < chunks.length; offset += 1) {
      vectorSource.chunk(centre, vectorAt({ vectors }, position + offset));
    }
    position += chunks.length;
  }
  const generateSeconds = (performance.now() - generateStart) / 1000;
  log(`  generated ${documents.length} documents, ${chunkCount} chunks in ${generateSeconds.toFixed(1)} s`);

  // Keyword index: the ingestion job's transaction (document row + replaceChunks), without vectors.
  const now = new Date().toISOString();
  const keywordStart = performance.now();
  for (let start = 0; start < documents.length; start += DOCUMENTS_PER_TRANSACTION) {
    await db.transaction().execute(async (trx) => {
      for (const document of documents.slice(start, start + DOCUMENTS_PER_TRANSACTION)) {
        await trx
          .insertInto('documents')
          .values({
            id: document.id,
            workspace_id: document.workspaceId,
            uploaded_by: 'owner',
            original_filename: `${document.id}.pdf`,
            stored_name: `${document.id}.pdf`,
            kind: 'pdf',
            mime_type: 'application/pdf',
            size_bytes: document.text.length,
            sha256: '',
            visibility: document.visibility,
            metadata: '{}',
            status: 'PROCESSED',
            error: null,
            title: document.title,
            content: document.text,
            page_count: null,
            chunk_count: document.chunks.length,
            embedding_model: 'synthetic-384',
            uploaded_at: now,
            processed_at: now,
            updated_at: now,
          })
          .execute();
        await index.replaceChunks(trx, document.id, document.title, document.chunks);
      }
    });
  }
  const keywordSeconds = (performance.now() - keywordStart) / 1000;
  log(
    `  keyword index: ${Math.round(chunkCount / keywordSeconds)} chunks/s (${keywordSeconds.toFixed(1)} s)`,
  );

  const seqs = new Int32Array(chunkCount);
  const positionOf = new Map(documents.map((document) => [document.id, document.firstChunk]));
  const rows = await db.selectFrom('document_chunks').select(['seq', 'document_id', 'chunk_index']).execute();
  for (const row of rows) seqs[positionOf.get(row.document_id)! + row.chunk_index] = row.seq;

  // Vectors: the embedding job's transaction (replaceVectors), timed apart from the keyword index.
  const vectorStart = performance.now();
  for (let start = 0; start < documents.length; start += DOCUMENTS_PER_TRANSACTION) {
    await db.transaction().execute(async (trx) => {
      for (const document of documents.slice(start, start + DOCUMENTS_PER_TRANSACTION)) {
        await index.replaceVectors(
          trx,
          document.id,
          document.chunks.map((_, offset) => ({
            seq: seqs[document.firstChunk + offset]!,
            vector: vectorAt({ vectors }, document.firstChunk + offset),
          })),
        );
      }
    });
  }
  const vectorSeconds = (performance.now() - vectorStart) / 1000;
  log(`  vectors: ${Math.round(chunkCount / vectorSeconds)} chunks/s (${vectorSeconds.toFixed(1)} s)`);

  return {
    database,
    index,
    dir,
    documents,
    vectors,
    seqs,
    chunkCount,
    timings: { keywordSeconds, vectorSeconds, generateSeconds },
  };
}

/** Users (an admin, the reader, the uploader), the workspaces and the reader's memberships. */
async function seedUsersAndWorkspaces(database: DatabaseHandle): Promise<void> {
  const { db } = database;
  const now = new Date().toISOString();
  for (const [id, role] of [
    ['admin', 'admin'],
    ['reader', 'user'],
    ['owner', 'manager'],
  ] as const) {
    await db
      .insertInto('users')
      .values({
        id,
        email: `${id}@bench.local`,
        username: id,
        display_name: null,
        password_hash: 'x',
        role,
        disabled: 0,
        must_change_password: 0,
        created_at: now,
        updated_at: now,
        last_login_at: null,
      })
      .execute();
  }
  for (const [number, id] of WORKSPACES.entries()) {
    await db
      .insertInto('workspaces')
      .values({
        id,
        name: `Workspace ${number}`,
        description: null,
        status: 'active',
        created_by: 'owner',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('workspace_members')
      .values({ workspace_id: id, user_id: 'owner', role: 'owner', added_at: now })
      .execute();
    if (number < WORKSPACES.length - 1) {
      await db
        .insertInto('workspace_members')
        .values({ workspace_id: id, user_id: 'reader', role: 'reader', added_at: now })
        .execute();
    }
  }
}
