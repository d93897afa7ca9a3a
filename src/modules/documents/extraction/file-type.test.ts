import { describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makeXlsx } from '../../../../test/helpers/documents.js';
import { detectDocumentKind, extensionOf } from './file-type.js';

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(32)]);

function head(buffer: Buffer): Buffer {
  return buffer.subarray(0, 8192);
}

describe('detectDocumentKind', () => {
  it('accepts real files whose extension and content agree', async () => {
    expect(detectDocumentKind('Report.PDF', head(await makePdf([['x']])))).toEqual({
      kind: 'pdf',
      extension: 'pdf',
      mimeType: 'application/pdf',
    });
    expect(detectDocumentKind('a.docx', head(await makeDocx())).kind).toBe('docx');
    expect(detectDocumentKind('a.xlsx', head(await makeXlsx({ S: [['1']] }))).kind).toBe('xlsx');
    expect(detectDocumentKind('a.csv', Buffer.from('a,b\n1,2\n')).kind).toBe('csv');
    expect(detectDocumentKind('a.md', Buffer.from('# Hi')).kind).toBe('markdown');
    expect(detectDocumentKind('a.markdown', Buffer.from('# Hi')).mimeType).toBe('text/markdown');
    expect(detectDocumentKind('a.htm', Buffer.from('<p>hi</p>')).kind).toBe('html');
    expect(detectDocumentKind('server.log', Buffer.from('line\tone\r\n')).kind).toBe('text');
    expect(detectDocumentKind('x.text', Buffer.from('\uFEFFwith BOM', 'utf8')).kind).toBe('text');
  });

  it('accepts a PDF header after a little junk, as PDF readers do', async () => {
    const pdf = Buffer.concat([Buffer.from('junk line\r\n'), await makePdf([['x']])]);
    expect(detectDocumentKind('x.pdf', head(pdf)).kind).toBe('pdf');
  });

  it('accepts text whose head ends inside a multi-byte character', () => {
    const text = Buffer.from('aaa€', 'utf8'); // € is 3 bytes
    expect(detectDocumentKind('a.txt', text.subarray(0, text.length - 1)).kind).toBe('text');
    expect(() => detectDocumentKind('a.txt', Buffer.from([0x61, 0xc3, 0x28, 0x61]))).toThrow(
      expect.objectContaining({ code: 'FILE_TYPE_MISMATCH' }),
    );
  });

  it.each([
    [
      '.pdf holding a ZIP',
      'x.pdf',
      async () => makeDocx(),
      /extension \.pdf but its content is a ZIP archive/,
    ],
    ['.txt holding a PDF', 'x.txt', async () => makePdf([['x']]), /\.txt but its content is a PDF document/],
    ['.docx holding text', 'x.docx', async () => Buffer.from('just text'), /\.docx but its content is text/],
    ['PNG renamed .csv', 'x.csv', async () => PNG, /\.csv but its content is a PNG image/],
    ['ELF renamed .md', 'x.md', async () => ELF, /content is an ELF executable/],
    ['NUL bytes in .html', 'x.html', async () => Buffer.from('<p>a\u0000b</p>'), /content is binary data/],
    [
      'Windows executable as .txt',
      'x.txt',
      async () => Buffer.from('MZP\u0000\u0002'),
      /a Windows executable/,
    ],
    ['Latin-1 CSV', 'x.csv', async () => Buffer.from('name\nJürgen\n', 'latin1'), /text that is not UTF-8/],
    ['UTF-16 text', 'x.txt', async () => Buffer.from('\uFEFFhi', 'utf16le'), /UTF-16 text/],
  ])('rejects a %s with FILE_TYPE_MISMATCH', async (_label, name, make, message) => {
    const buffer = await make();
    expect(() => detectDocumentKind(name, head(buffer))).toThrow(
      expect.objectContaining({
        code: 'FILE_TYPE_MISMATCH',
        status: 415,
        message: expect.stringMatching(message),
      }),
    );
  });

  it('rejects unknown extensions listing the accepted ones, and empty files', () => {
    expect(() => detectDocumentKind('setup.exe', Buffer.from('MZ'))).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringMatching(
          /^\.exe files are not supported; accepted: \.pdf, \.docx, \.xlsx, \.csv/,
        ),
      }),
    );
    expect(() => detectDocumentKind('README', Buffer.from('x'))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }),
    );
    expect(() => detectDocumentKind('empty.txt', Buffer.alloc(0))).toThrow(
      expect.objectContaining({ code: 'FILE_EMPTY', status: 400 }),
    );
  });

  it('reads only the basename extension of hostile file names', () => {
    expect(extensionOf('../../etc/passwd.TXT')).toBe('txt');
    expect(extensionOf('C:\\Users\\me\\report.Pdf')).toBe('pdf');
    expect(extensionOf('archive.tar.gz')).toBe('gz');
    expect(extensionOf('evil.php\u0000.pdf')).toBe('pdf');
    expect(extensionOf('dir.pdf/notes')).toBeUndefined();
    expect(extensionOf('.bashrc')).toBeUndefined();
    expect(extensionOf('trailing.')).toBeUndefined();
    expect(extensionOf(`${'a'.repeat(100_000)}.md`)).toBe('md');
    expect(() => detectDocumentKind(`x.${'z'.repeat(500)}`, Buffer.from('x'))).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^\.z{16}… files are not supported/) }),
    );
  });
});
