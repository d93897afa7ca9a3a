import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makeXlsx } from '../helpers/documents.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadFile, waitForDocument } from '../helpers/upload.js';

let t: TestApp;
let owner: { id: string; token: string };
let workspaceId: string;

beforeAll(async () => {
  t = await startTestApp({ model: false });
  owner = await t.createUser('manager');
  workspaceId = (await t.call('POST', '/api/v1/workspaces', owner.token, { name: 'Finance' })).body.id;
});
afterAll(() => t.close());

/** Uploads into the Finance workspace and waits for the outcome. */
async function ingest(name: string, content: Buffer | string, fields: Record<string, string> = {}) {
  const uploaded = await uploadFile(t, owner.token, name, content, { workspace_id: workspaceId, ...fields });
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expect(uploaded.body.status).toBe('UPLOADED');
  return waitForDocument(t, owner.token, uploaded.body.id);
}

async function search(token: string, query: string, extra: object = {}) {
  const response = await t.call('POST', '/api/v1/rag/search', token, { query, top_k: 20, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

describe('document ingestion', () => {
  it('processes every supported type into searchable, citable chunks', async () => {
    const files: [string, Buffer | string, string][] = [
      [
        'policy.md',
        '# Travel policy\n\n## Flights\n\nEconomy class for flights under six hours.\n',
        'economy',
      ],
      ['notes.txt', 'The warehouse inventory is counted every Friday.\n\nSecond paragraph.', 'warehouse'],
      [
        'page.html',
        '<html><head><title>Onboarding</title><script>var secretscript = 1;</script></head>' +
          '<body><h1>Onboarding</h1><p>New staff receive a laptop on day one.</p></body></html>',
        'laptop',
      ],
      ['budget.csv', 'Item,Amount\nProjector,4500000\nWhiteboard,750000\n', 'projector'],
      [
        'sales.xlsx',
        await makeXlsx({
          Regions: [
            ['Region', 'Revenue'],
            ['Sumatra', 1200],
          ],
        }),
        'sumatra',
      ],
      ['report.docx', await makeDocx(), 'revenue'],
      [
        'manual.pdf',
        await makePdf([
          ['Introduction to the manual.'],
          ['The reimbursement form is signed by the director.'],
        ]),
        'reimbursement',
      ],
    ];
    for (const [name, content, word] of files) {
      const document = await ingest(name, content);
      expect(document.status, `${name}: ${document.error}`).toBe('PROCESSED');
      expect(document.chunk_count).toBeGreaterThan(0);
      const found = await search(owner.token, word);
      const hit = found.results.find((result: any) => result.document_id === document.id);
      expect(hit, `${name} is found by "${word}"`).toBeDefined();
      expect(hit.content.toLowerCase()).toContain(word);
      expect(hit.scores.bm25).toBeGreaterThan(0);
      // The citation endpoint returns exactly the text of the span in the extracted document.
      const detail = await t.call('GET', `/api/v1/files/${document.id}?include_content=true`, owner.token);
      const chunk = await t.call('GET', `/api/v1/files/${document.id}/chunks/${hit.chunk_id}`, owner.token);
      expect(chunk.status).toBe(200);
      expect(chunk.body.content).toBe(detail.body.content.slice(chunk.body.span.start, chunk.body.span.end));
      if (name === 'manual.pdf') {
        expect(hit.page).toBe(2);
        expect(document.page_count).toBe(2);
      }
    }
    // Invisible HTML (scripts) is never indexed.
    expect((await search(owner.token, 'secretscript')).results).toEqual([]);
  });

  it('lists with pagination and status filter, downloads under a safe name, deletes everything', async () => {
    const document = await ingest('../../etc/Laporan Q3;ä.txt', 'Laporan keuangan kuartal ketiga.');
    expect(document.original_filename).toBe('Laporan Q3;ä.txt');
    expect(document.filename).toMatch(/^[0-9a-f-]{36}\.txt$/);

    const processed = await t.call('GET', '/api/v1/files?status=processed&limit=2', owner.token);
    expect(processed.body.files).toHaveLength(2);
    expect(processed.body.total).toBeGreaterThanOrEqual(8);
    expect(processed.body.files.every((file: any) => file.status === 'PROCESSED')).toBe(true);
    expect((await t.call('GET', '/api/v1/files?status=failed', owner.token)).body.total).toBe(0);

    const download = await t.app.inject({
      method: 'GET',
      url: `/api/v1/files/${document.id}/download`,
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('Laporan keuangan kuartal ketiga.');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="Laporan Q3__.txt"; filename*=UTF-8''Laporan%20Q3%3B%C3%A4.txt`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');

    expect((await search(owner.token, 'kuartal')).count).toBe(1);
    expect((await t.call('DELETE', `/api/v1/files/${document.id}`, owner.token)).status).toBe(204);
    expect((await search(owner.token, 'kuartal')).count).toBe(0);
    expect((await t.call('GET', `/api/v1/files/${document.id}`, owner.token)).status).toBe(404);
    const orphans = await t.runtime.services.database.db
      .selectFrom('document_chunks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('document_id', '=', document.id)
      .executeTakeFirstOrThrow();
    expect(Number(orphans.n)).toBe(0);
  });

  it('re-processes a document on request', async () => {
    const document = await ingest('again.txt', 'Procurement thresholds are reviewed yearly.');
    const again = await t.call('POST', `/api/v1/files/${document.id}/reprocess`, owner.token);
    expect(again.status).toBe(202);
    const done = await waitForDocument(t, owner.token, document.id);
    expect(done.status).toBe('PROCESSED');
    expect((await search(owner.token, 'procurement thresholds')).results).toHaveLength(1);
  });

  it('accepts the seed-000 upload alias with metadata, and searches through the GET alias', async () => {
    const uploaded = await uploadFile(
      t,
      owner.token,
      'sop.md',
      '# SOP\n\nCash advances are settled within 14 days.',
      {
        metadata: JSON.stringify({ category: 'SOP', department: 'Finance', tags: ['cash'] }),
        workspace_id: workspaceId,
      },
      '/api/rag/upload',
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.metadata).toEqual({ category: 'SOP', department: 'Finance', tags: ['cash'] });
    await waitForDocument(t, owner.token, uploaded.body.id);
    const found = await t.call('GET', '/api/rag/search?query=cash%20advances&top_k=5', owner.token);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ query: 'cash advances', top_k: 5, count: 1 });
    expect(found.body.results[0]).toMatchObject({ filename: 'sop.md', metadata: { heading: 'SOP' } });
  });

  it('matches Indonesian words across their derived forms', async () => {
    const document = await ingest(
      'sop-cuti.md',
      '# Prosedur Cuti\n\nKaryawan yang ingin mengajukan cuti tahunan harus mengisi formulir. ' +
        'Anggaran perjalanan disetujui oleh direktur keuangan.',
    );
    for (const query of ['pengajuan cuti', 'persetujuan anggaran', 'Bagaimana cara mengajukan cuti?']) {
      const found = await search(owner.token, query);
      expect(
        found.results.map((r: any) => r.document_id),
        query,
      ).toContain(document.id);
    }
    // "pengajuan" alone occurs nowhere in the text: the match comes from the shared stem "aju".
    const stemOnly = await search(owner.token, 'pengajuan');
    expect(stemOnly.results.map((r: any) => r.document_id)).toEqual([document.id]);
  });

  it('reports keyword-only health and its configuration when no embedding model is set', async () => {
    const health = await t.call('GET', '/api/v1/rag/health', owner.token);
    expect(health.body).toMatchObject({ status: 'degraded', embeddings: { available: false, model: null } });
    expect(health.body.errors.join(' ')).toMatch(/keyword search only/);
    expect(health.body.pgvector.processed_documents).toBeGreaterThan(0);
    const config = await t.call('GET', '/api/v1/rag/config', owner.token);
    expect(config.body).toMatchObject({
      embeddings: { available: false },
      chunking: { chunk_size_tokens: 512, chunk_overlap_tokens: 50 },
      search_settings: { default_top_k: 5, max_results: 20 },
    });
    expect(config.body.documents.total_chunks).toBeGreaterThan(0);
    expect(config.body.uploads.max_pdf_pages).toBe(2000);
    expect(config.body.uploads.accepted_extensions).toEqual(expect.arrayContaining(['pdf', 'docx', 'md']));
  });
});
