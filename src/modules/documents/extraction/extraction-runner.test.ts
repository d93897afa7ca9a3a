import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  makeDocx,
  makePdf,
  makePdfDecompressionBomb,
  makePdfObjectLoop,
  makeZipBombDocx,
} from '../../../../test/helpers/documents.js';
import { loadConfig } from '../../../config/config.js';
import { extractDocument, extractionLimitsFrom, extractionWorkerEntry } from './extraction-runner.js';
import type { ExtractionLimits } from './extraction-limits.js';

const MIB = 1024 * 1024;
const LIMITS: ExtractionLimits = {
  timeoutMs: 15_000,
  memoryMb: 128,
  maxPdfPages: 50,
  maxUncompressedBytes: 50 * MIB,
  maxEntries: 100,
  maxCompressionRatio: 100,
};
const dir = mkdtempSync(path.join(tmpdir(), 'extraction-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer | string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

function failure(code: string, message?: string | RegExp) {
  if (message === undefined) return expect.objectContaining({ name: 'AppError', code });
  return expect.objectContaining({
    name: 'AppError',
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}

async function timed<T>(work: Promise<T>): Promise<{ ms: number; outcome: unknown }> {
  const started = Date.now();
  const outcome = await work.catch((error: unknown) => error);
  return { ms: Date.now() - started, outcome };
}

describe('extractDocument (worker thread)', () => {
  it('runs the TypeScript worker entry under vitest and returns the document', async () => {
    expect(extractionWorkerEntry.fromSource).toBe(true);
    expect(extractionWorkerEntry.url).toMatch(/extraction\.worker\.ts$/);
    const pdf = file('ok.pdf', await makePdf([['Hello from a worker']], { title: 'Worker' }));
    const document = await extractDocument(pdf, 'pdf', LIMITS);
    expect(document).toEqual({
      text: 'Hello from a worker',
      blocks: [{ type: 'paragraph', start: 0, end: 19, page: 1 }],
      pageCount: 1,
      title: 'Worker',
    });
    const docx = await extractDocument(file('ok.docx', await makeDocx()), 'docx', LIMITS);
    expect(docx.title).toBe('Quarterly Report');
  });

  it('re-creates AppErrors thrown in the worker with the same code and message', async () => {
    const pdf = file('pages.pdf', await makePdf([['one'], ['two'], ['three']]));
    await expect(extractDocument(pdf, 'pdf', { ...LIMITS, maxPdfPages: 2 })).rejects.toEqual(
      failure('FILE_REJECTED', 'The PDF has 3 pages; at most 2 are accepted'),
    );
    await expect(extractDocument(path.join(dir, 'missing.txt'), 'text', LIMITS)).rejects.toEqual(
      failure('EXTRACTION_FAILED', /^extraction failed: ENOENT/),
    );
  });

  it('rejects a zip-bomb DOCX quickly, naming the limit', async () => {
    const bomb = file('bomb.docx', await makeZipBombDocx());
    const { ms, outcome } = await timed(extractDocument(bomb, 'docx', LIMITS));
    expect(outcome).toEqual(failure('FILE_REJECTED', 'compression ratio over 100:1 in word/document.xml'));
    expect(ms).toBeLessThan(5000);
  });

  it('terminates a worker that runs past the timeout', async () => {
    const pdf = file('slow.pdf', await makePdf([['text']]));
    const { ms, outcome } = await timed(extractDocument(pdf, 'pdf', { ...LIMITS, timeoutMs: 50 }));
    expect(outcome).toEqual(failure('EXTRACTION_TIMEOUT', 'extraction took longer than 0.05 s'));
    expect(ms).toBeLessThan(2000);
  });

  it('stops a worker that exceeds its heap cap', async () => {
    // 24 MiB of short lines: one block object per line needs far more than a 32 MiB heap.
    const text = file('huge.txt', 'word\n\n'.repeat(4 * MIB));
    const { outcome } = await timed(extractDocument(text, 'text', { ...LIMITS, memoryMb: 32 }));
    expect(outcome).toEqual(failure('EXTRACTION_MEMORY', /^extraction needed more than/));
  });

  it('survives a PDF decompression bomb with bounded memory, then extracts a normal file', async () => {
    // The 1 GiB content stream lands in ArrayBuffers the heap cap cannot see; the RSS watch stops it at
    // 2 × 128 + 64 MiB of growth (about a second), long before the 8 s timeout.
    const bomb = file('bomb.pdf', makePdfDecompressionBomb());
    const rssBefore = process.memoryUsage.rss();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss() - rssBefore)), 20);
    const { ms, outcome } = await timed(extractDocument(bomb, 'pdf', { ...LIMITS, timeoutMs: 8000 }));
    clearInterval(sampler);
    expect(['EXTRACTION_MEMORY', 'EXTRACTION_TIMEOUT']).toContain((outcome as { code?: string }).code);
    expect(ms).toBeLessThan(9000);
    expect(peak).toBeLessThan(700 * MIB);
    const pdf = file('after-bomb.pdf', await makePdf([['Still alive']]));
    expect((await extractDocument(pdf, 'pdf', LIMITS)).text).toBe('Still alive');
  });

  it('fails cleanly on a PDF whose page tree loops', async () => {
    const loop = file('loop.pdf', makePdfObjectLoop());
    const { ms, outcome } = await timed(extractDocument(loop, 'pdf', { ...LIMITS, timeoutMs: 5000 }));
    expect(outcome).toEqual(failure('EXTRACTION_FAILED', /circular reference/));
    expect(ms).toBeLessThan(5000);
  });

  it('terminates the worker when the signal aborts', async () => {
    const bomb = file('abort.pdf', makePdfDecompressionBomb());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('document deleted')), 300);
    const { ms, outcome } = await timed(extractDocument(bomb, 'pdf', LIMITS, controller.signal));
    expect(outcome).toEqual(new Error('document deleted'));
    expect(ms).toBeLessThan(2000);
    const aborted = AbortSignal.abort();
    await expect(extractDocument(bomb, 'pdf', LIMITS, aborted)).rejects.toBe(aborted.reason);
  });

  it('reads its limits from the documents configuration', () => {
    const config = loadConfig({ EXTRACTION_TIMEOUT_SECONDS: '7', MAX_UNCOMPRESSED_MB: '3' });
    expect(extractionLimitsFrom(config)).toEqual({
      timeoutMs: 7000,
      memoryMb: 512,
      maxPdfPages: 2000,
      maxUncompressedBytes: 3 * MIB,
      maxEntries: 5000,
      maxCompressionRatio: 100,
    });
  });
});
