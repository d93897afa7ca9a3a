import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdfDecompressionBomb, makePdfObjectLoop, makeZipBombDocx } from '../helpers/documents.js';
import { readSse } from '../helpers/sse.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { multipartBody, uploadFile, waitForDocument } from '../helpers/upload.js';

let t: TestApp;
let alice: { id: string; token: string }; // member of Finance only
let bob: { id: string; token: string }; // member of Legal only, and reader in Finance
let manager: { id: string; token: string }; // owner of both
let finance: string;
let legal: string;
let secretId: string;

// Both documents match the query; the forbidden one matches it best (every term, twice).
const QUERY = 'merger acquisition zebra quantum';
const SECRET = 'Merger acquisition zebra quantum: merger acquisition zebra quantum plan for 2027.';
const PUBLIC = 'The zebra crossing near the office is being repainted.';

beforeAll(async () => {
  t = await startTestApp({
    env: {
      MAX_UPLOAD_MB: '1',
      EXTRACTION_MEMORY_MB: '128',
      EXTRACTION_TIMEOUT_SECONDS: '10',
      MODEL_CONTEXT_LENGTH: '2048',
    },
  });
  manager = await t.createUser('manager');
  alice = await t.createUser('user');
  bob = await t.createUser('user');
  finance = (await t.call('POST', '/api/v1/workspaces', manager.token, { name: 'Finance' })).body.id;
  legal = (await t.call('POST', '/api/v1/workspaces', manager.token, { name: 'Legal' })).body.id;
  await t.call('PUT', `/api/v1/workspaces/${finance}/members/${alice.id}`, manager.token, { role: 'editor' });
  await t.call('PUT', `/api/v1/workspaces/${finance}/members/${bob.id}`, manager.token, { role: 'reader' });
  await t.call('PUT', `/api/v1/workspaces/${legal}/members/${bob.id}`, manager.token, { role: 'reader' });
  const secret = await uploadFile(t, manager.token, 'merger.txt', SECRET, { workspace_id: legal });
  const open = await uploadFile(t, manager.token, 'crossing.txt', PUBLIC, { workspace_id: finance });
  secretId = secret.body.id;
  expect((await waitForDocument(t, manager.token, secretId)).status).toBe('PROCESSED');
  expect((await waitForDocument(t, manager.token, open.body.id)).status).toBe('PROCESSED');
});
afterAll(() => t.close());

describe('cross-workspace isolation', () => {
  it('never returns a document from a workspace the user is not in, even as the best match', async () => {
    const asBob = await t.call('POST', '/api/v1/rag/search', bob.token, { query: QUERY, top_k: 20 });
    expect(asBob.body.results[0].document_id).toBe(secretId); // it is the best match
    const asAlice = await t.call('POST', '/api/v1/rag/search', alice.token, { query: QUERY, top_k: 20 });
    expect(asAlice.body.results.map((r: any) => r.filename)).toEqual(['crossing.txt']);
    // Asking for the other workspace explicitly does not widen permissions.
    const forced = await t.call('POST', '/api/v1/rag/search', alice.token, {
      query: QUERY,
      workspace_ids: [legal],
      document_ids: [secretId],
    });
    expect(forced.body.results).toEqual([]);
  });

  it('answers 404 for detail, download, chunks, delete and reprocess of another workspace’s file', async () => {
    const chunkId = (await t.call('POST', '/api/v1/rag/search', bob.token, { query: QUERY })).body.results[0]
      .chunk_id;
    for (const [method, url] of [
      ['GET', `/api/v1/files/${secretId}`],
      ['GET', `/api/v1/files/${secretId}/download`],
      ['GET', `/api/v1/files/${secretId}/status`],
      ['GET', `/api/v1/files/${secretId}/chunks/${chunkId}`],
      ['DELETE', `/api/v1/files/${secretId}`],
      ['POST', `/api/v1/files/${secretId}/reprocess`],
    ] as const) {
      const response = await t.call(method, url, alice.token);
      expect(response.status, `${method} ${url}`).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
    const listed = await t.call('GET', '/api/v1/files?limit=100', alice.token);
    expect(listed.body.files.map((file: any) => file.original_filename)).toEqual(['crossing.txt']);
  });

  it('keeps chat answers with use_rag to the user’s own workspaces', async () => {
    const session = (await t.call('POST', '/api/v1/chat/sessions', alice.token, {})).body.id;
    const response = await fetchSse(`/api/v1/chat/sessions/${session}/messages`, alice.token, {
      message: QUERY,
      use_rag: true,
      max_tokens: 8,
    });
    const rag = response.filter((event) => event.event === 'rag_search');
    expect(rag.map((event) => event.data.status)).toEqual(['searching', 'completed']);
    const done = response.find((event) => event.event === 'done')!;
    expect(done.data.sources.map((source: any) => source.filename)).toEqual(['crossing.txt']);
    expect(JSON.stringify(response)).not.toContain('2027');
  });

  it('honours per-document visibility inside a shared workspace', async () => {
    const privateDoc = await uploadFile(t, alice.token, 'mine.txt', 'Personal salary negotiation notes.', {
      workspace_id: finance,
      visibility: 'private',
    });
    const managersDoc = await uploadFile(t, alice.token, 'mgmt.txt', 'Salary bands for next year.', {
      workspace_id: finance,
      visibility: 'managers',
    });
    await waitForDocument(t, alice.token, privateDoc.body.id);
    await waitForDocument(t, alice.token, managersDoc.body.id);
    const names = async (token: string) =>
      (await t.call('POST', '/api/v1/rag/search', token, { query: 'salary', top_k: 20 })).body.results
        .map((r: any) => r.filename)
        .sort();
    expect(await names(alice.token)).toEqual(['mgmt.txt', 'mine.txt']); // the uploader sees both
    expect(await names(bob.token)).toEqual([]); // a plain reader sees neither
    expect(await names(manager.token)).toEqual(['mgmt.txt']); // a manager sees the managers' one
    expect((await t.call('GET', `/api/v1/files/${privateDoc.body.id}`, bob.token)).status).toBe(404);
  });

  it('lets readers search but not upload, whether the workspace field comes before or after the file', async () => {
    const refused = await uploadFile(t, bob.token, 'x.txt', 'text', { workspace_id: finance });
    expect(refused.status).toBe(403);
    const late = await multipartBody({ name: 'y.txt', content: 'text' }, { workspace_id: finance }, true);
    const refusedLate = await t.app.inject({
      method: 'POST',
      url: '/api/v1/files',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': late.contentType },
      payload: late.body,
    });
    expect(refusedLate.statusCode).toBe(403);
    expect(readdirSync(path.join(t.dataDir, 'files', '.incoming'))).toEqual([]);
  });
});

describe('hostile uploads', () => {
  it('rejects lies, empties, oversize and malformed requests with clear codes', async () => {
    const cases: [string, Buffer | string, number, string][] = [
      ['report.pdf', 'just text pretending to be a PDF', 415, 'FILE_TYPE_MISMATCH'],
      ['notes.txt', Buffer.from('%PDF-1.7\n%binary'), 415, 'FILE_TYPE_MISMATCH'],
      [
        'image.csv',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
        415,
        'FILE_TYPE_MISMATCH',
      ],
      ['program.exe', 'MZ', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['empty.txt', '', 400, 'FILE_EMPTY'],
      ['big.txt', Buffer.alloc(1_048_576 + 1, 'a'), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [name, content, status, code] of cases) {
      const response = await uploadFile(t, alice.token, name, content, { workspace_id: finance });
      expect(response.status, name).toBe(status);
      expect(response.body.error.code, name).toBe(code);
    }
    const exactly = await uploadFile(t, alice.token, 'limit.txt', Buffer.alloc(1_048_576, 'a'), {
      workspace_id: finance,
    });
    expect(exactly.status).toBe(201);
    const noFile = await t.app.inject({
      method: 'POST',
      url: '/api/v1/files',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      payload: { file: 'x' },
    });
    expect(noFile.statusCode).toBe(415);
    const badMetadata = await uploadFile(t, alice.token, 'm.txt', 'x', {
      workspace_id: finance,
      metadata: '{oops',
    });
    expect(badMetadata.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'metadata' },
    });
    // Nothing refused was kept on disk or in the database.
    const listed = await t.call('GET', '/api/v1/files?limit=100', alice.token);
    expect(listed.body.files.map((file: any) => file.original_filename)).not.toContain('report.pdf');
  });

  it('fails zip bombs, PDF bombs and PDF object loops cleanly and stays healthy', async () => {
    const bombs: [string, Buffer][] = [
      ['bomb.docx', await makeZipBombDocx()],
      ['bomb.pdf', makePdfDecompressionBomb({ inflatedMb: 256 })],
      ['loop.pdf', makePdfObjectLoop()],
    ];
    for (const [name, content] of bombs) {
      const uploaded = await uploadFile(t, alice.token, name, content, { workspace_id: finance });
      expect(uploaded.status, name).toBe(201);
      const document = await waitForDocument(t, alice.token, uploaded.body.id, 40_000);
      expect(document.status, name).toBe('FAILED');
      expect(document.error, name).toMatch(/\w/);
      expect(document.chunk_count).toBe(0);
    }
    const health = await t.call('GET', '/health');
    expect(health.status).toBe(200);
    const after = await uploadFile(t, alice.token, 'fine.txt', 'Still working after the bombs.', {
      workspace_id: finance,
    });
    expect((await waitForDocument(t, alice.token, after.body.id)).status).toBe('PROCESSED');
  });
});

/** Sends a JSON POST through inject and parses the SSE stream it answers with. */
async function fetchSse(url: string, token: string, payload: object) {
  const response = await t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}` },
    payload,
  });
  expect(response.statusCode, response.body).toBe(200);
  return readSse(new Response(response.body));
}
