import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  makeDocx,
  makeHugeTextDocx,
  makePdf,
  makePdfDecompressionBomb,
  makePdfObjectLoop,
  makePdfTextBomb,
  makeZipBombDocx,
} from '../../../../test/helpers/documents.js';
import { loadConfig } from '../../../config/config.js';
import {
  extractDocument,
  extractionChildEntry,
  extractionLimitsFrom,
  sandboxLimitsFor,
} from './extraction-runner.js';
import type { ExtractionLimits } from './extraction-limits.js';

const MIB = 1024 * 1024;
const LIMITS: ExtractionLimits = {
  timeoutMs: 15_000,
  memoryMb: 128,
  maxChars: 1_000_000,
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

describe('extractDocument (sandboxed child process)', () => {
  it('runs the TypeScript child entry under vitest and returns the document', async () => {
    expect(extractionChildEntry.fromSource).toBe(true);
    expect(extractionChildEntry.url).toMatch(/extraction\.child\.ts$/);
    const pdf = file('ok.pdf', await makePdf([['Hello from a child']], { title: 'Child' }));
    const document = await extractDocument(pdf, 'pdf', LIMITS);
    expect(document).toEqual({
      text: 'Hello from a child',
      blocks: [{ type: 'paragraph', start: 0, end: 18, page: 1 }],
      pageCount: 1,
      title: 'Child',
    });
    const docx = await extractDocument(file('ok.docx', await makeDocx()), 'docx', LIMITS);
    expect(docx.title).toBe('Quarterly Report');
  });

  it('re-creates AppErrors thrown in the child with the same code and message', async () => {
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

  it('kills a child that runs past the timeout', async () => {
    const pdf = file('slow.pdf', await makePdf([['text']]));
    const { ms, outcome } = await timed(extractDocument(pdf, 'pdf', { ...LIMITS, timeoutMs: 50 }));
    expect(outcome).toEqual(failure('EXTRACTION_TIMEOUT', 'extraction took longer than 0.05 s'));
    expect(ms).toBeLessThan(2000);
  });

  it('stops a child that exceeds its heap cap', async () => {
    // 24 MiB of short lines: one block object per line needs far more than a 32 MiB heap.
    const text = file('huge.txt', 'word\n\n'.repeat(4 * MIB));
    const { outcome } = await timed(
      extractDocument(text, 'text', { ...LIMITS, memoryMb: 32, maxChars: 50 * MIB }),
    );
    expect(outcome).toEqual(
      failure('EXTRACTION_MEMORY', /^extraction needed more than its memory limit \(32 MiB heap\)/),
    );
  });

  it.each([
    ['the PDF of issue #9 (one 400 MiB string)', () => makePdfTextBomb()],
    ['a PDF decompression bomb (1 GiB of operators)', () => makePdfDecompressionBomb()],
  ])("survives %s: the memory is the child's, never this process's", async (_name, build) => {
    const bomb = file('bomb.pdf', build());
    const rssBefore = process.memoryUsage.rss();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss() - rssBefore)), 20);
    const { ms, outcome } = await timed(extractDocument(bomb, 'pdf', { ...LIMITS, timeoutMs: 30_000 }));
    clearInterval(sampler);
    expect(outcome).toEqual(failure('EXTRACTION_MEMORY', /memory limit \(128 MiB heap\)/));
    expect(ms).toBeLessThan(30_000);
    // Before the sandbox this process grew by gigabytes (the worker thread shared it).
    expect(peak).toBeLessThan(64 * MIB);
    const pdf = file('after-bomb.pdf', await makePdf([['Still alive']]));
    expect((await extractDocument(pdf, 'pdf', LIMITS)).text).toBe('Still alive');
  });

  it('reports a DOCX the parser ran out of memory on as EXTRACTION_MEMORY, however the parser wrapped it', async () => {
    // The zip guard's limits raised so the parser itself meets 300 MiB of paragraphs.
    const docx = file('huge.docx', await makeHugeTextDocx({ inflatedMb: 300 }));
    const limits = {
      ...LIMITS,
      maxUncompressedBytes: 1024 * MIB,
      maxCompressionRatio: 100_000,
      timeoutMs: 60_000,
    };
    const { outcome } = await timed(extractDocument(docx, 'docx', limits));
    expect(outcome).toEqual(failure('EXTRACTION_MEMORY', /memory limit \(128 MiB heap\)/));
  });

  it('rejects text over MAX_EXTRACTED_CHARS with a reason naming the limit', async () => {
    const pages = Array.from({ length: 20 }, (_, page) => [`Page ${page + 1} `.padEnd(90, 'x')]);
    const pdf = file('long.pdf', await makePdf(pages));
    expect((await extractDocument(pdf, 'pdf', { ...LIMITS, maxChars: 5000 })).pageCount).toBe(20);
    await expect(extractDocument(pdf, 'pdf', { ...LIMITS, maxChars: 1000 })).rejects.toEqual(
      failure('FILE_REJECTED', 'The extracted text is longer than the limit of 1,000 characters'),
    );
    const text = file('long.txt', 'a line of text\n'.repeat(200));
    await expect(extractDocument(text, 'text', { ...LIMITS, maxChars: 1000 })).rejects.toEqual(
      failure('FILE_REJECTED', 'The extracted text is longer than the limit of 1,000 characters'),
    );
  });

  it("derives the child's kernel and watchdog limits from the heap cap and the text cap", () => {
    expect(sandboxLimitsFor({ ...LIMITS, memoryMb: 512, maxChars: 20_000_000, timeoutMs: 120_000 })).toEqual({
      heapMb: 512,
      dataMb: 1152,
      rssMb: 1216,
      timeoutMs: 120_000,
      maxReplyBytes: 80_000_000 + 16 * MIB,
    });
  });

  it('fails cleanly on a PDF whose page tree loops', async () => {
    const loop = file('loop.pdf', makePdfObjectLoop());
    const { ms, outcome } = await timed(extractDocument(loop, 'pdf', { ...LIMITS, timeoutMs: 5000 }));
    expect(outcome).toEqual(failure('EXTRACTION_FAILED', /circular reference/));
    expect(ms).toBeLessThan(5000);
  });

  it('kills the child when the signal aborts', async () => {
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
      maxChars: 20_000_000,
      maxPdfPages: 2000,
      maxUncompressedBytes: 3 * MIB,
      maxEntries: 5000,
      maxCompressionRatio: 100,
    });
  });
});
