import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDocx, makeZip, makeZipBombDocx } from '../../../../test/helpers/documents.js';
import { inspectZipArchive, type ZipLimits } from './zip-guard.js';

const MIB = 1024 * 1024;
const LIMITS: ZipLimits = { maxUncompressedBytes: 200 * MIB, maxEntries: 50, maxCompressionRatio: 100 };
const dir = mkdtempSync(path.join(tmpdir(), 'zip-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(content: Buffer | string): string {
  const target = path.join(dir, `archive-${counter++}.zip`);
  writeFileSync(target, content);
  return target;
}

/** Applies `patch` to every central-directory header (and, with `local`, every local header) of a zip. */
function patchHeaders(
  zip: Buffer,
  patch: (buffer: Buffer, header: number, central: boolean) => void,
): Buffer {
  const copy = Buffer.from(zip);
  for (let offset = 0; offset <= copy.length - 4; offset++) {
    const signature = copy.readUInt32LE(offset);
    if (signature === 0x02014b50) patch(copy, offset, true);
    else if (signature === 0x04034b50) patch(copy, offset, false);
  }
  return copy;
}

function rejection(message: string | RegExp) {
  return expect.objectContaining({
    code: 'FILE_REJECTED',
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}

describe('inspectZipArchive', () => {
  it('passes a normal DOCX and counts what it inflated', async () => {
    const result = await inspectZipArchive(file(await makeDocx()), LIMITS, 'word/document.xml');
    expect(result.entries).toBe(5);
    expect(result.uncompressedBytes).toBeGreaterThan(1000);
  });

  it('rejects a 300 MB zip bomb quickly by its compression ratio', async () => {
    const bomb = file(await makeZipBombDocx());
    const started = Date.now();
    await expect(inspectZipArchive(bomb, LIMITS, 'word/document.xml')).rejects.toEqual(
      rejection('compression ratio over 100:1 in word/document.xml'),
    );
    await expect(
      inspectZipArchive(bomb, { ...LIMITS, maxCompressionRatio: 100_000 }, 'word/document.xml'),
    ).rejects.toEqual(rejection('archive inflates beyond 200 MiB'));
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('inflates while counting, discarding the bytes (RSS stays flat), and trusts no declared size', async () => {
    const bombBuffer = await makeZipBombDocx();
    const generous = { maxUncompressedBytes: 1024 * MIB, maxEntries: 50, maxCompressionRatio: 100_000 };
    const rssBefore = process.memoryUsage.rss();
    const result = await inspectZipArchive(file(bombBuffer), generous, 'word/document.xml');
    expect(result.uncompressedBytes).toBeGreaterThan(300 * MIB);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(100 * MIB);

    // The same bomb with a lying central directory: it claims word/document.xml is 1000 bytes.
    const lying = patchHeaders(bombBuffer, (buffer, header, central) => {
      if (!central) return;
      const nameLength = buffer.readUInt16LE(header + 28);
      const name = buffer.toString('latin1', header + 46, header + 46 + nameLength);
      if (name === 'word/document.xml') buffer.writeUInt32LE(1000, header + 24);
    });
    await expect(inspectZipArchive(file(lying), generous, 'word/document.xml')).rejects.toEqual(
      rejection(/word\/document\.xml/),
    );
  });

  it('rejects archives with too many entries', async () => {
    const entries = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`f${index}.txt`, 'x']));
    await expect(inspectZipArchive(file(await makeZip(entries)), LIMITS, 'f0.txt')).rejects.toEqual(
      rejection('archive has more than 50 entries'),
    );
  });

  it('rejects a container without its required part, and files that are not zips', async () => {
    const xlsxLike = file(await makeZip({ 'word/document.xml': '<w:document/>' }));
    await expect(inspectZipArchive(xlsxLike, LIMITS, 'xl/workbook.xml')).rejects.toEqual(
      rejection('not a valid XLSX container (xl/workbook.xml is missing)'),
    );
    await expect(inspectZipArchive(file('plain text, no zip'), LIMITS, 'word/document.xml')).rejects.toEqual(
      rejection(/^not a valid DOCX container/),
    );
    const docx = await makeDocx();
    const truncated = file(docx.subarray(0, docx.length - 30));
    await expect(inspectZipArchive(truncated, LIMITS, 'word/document.xml')).rejects.toEqual(
      rejection(/^not a valid DOCX container/),
    );
  });

  it.each([
    ['a parent-directory entry', 'aa/evil.txt', '../evil.txt'],
    ['an absolute entry', 'xetc/passwd', '/etc/passwd'],
  ])('rejects %s', async (_label, original, hostile) => {
    const zip = await makeZip({ 'word/document.xml': '<w:document/>', [original]: 'boom' });
    const patched = Buffer.from(zip.toString('latin1').replaceAll(original, hostile), 'latin1');
    await expect(inspectZipArchive(file(patched), LIMITS, 'word/document.xml')).rejects.toEqual(
      rejection(/unsafe entry name/),
    );
  });

  it('rejects encrypted entries', async () => {
    const zip = await makeZip({ 'word/document.xml': '<w:document/>' });
    const encrypted = patchHeaders(zip, (buffer, header, central) => {
      const flagOffset = header + (central ? 8 : 6);
      buffer.writeUInt16LE(buffer.readUInt16LE(flagOffset) | 1, flagOffset);
    });
    await expect(inspectZipArchive(file(encrypted), LIMITS, 'word/document.xml')).rejects.toEqual(
      rejection(/encrypted/),
    );
  });
});
