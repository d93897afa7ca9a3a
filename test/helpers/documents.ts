/**
 * Real document fixtures for extraction and upload tests: small valid PDF/DOCX/XLSX files built in memory,
 * plus hostile ones (zip bombs, PDF decompression bombs, PDF object loop, huge-text DOCX/XLSX). Everything
 * returns a Buffer; the large ones are generated from repeated compressed units, never held inflated.
 */
import { Readable } from 'node:stream';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import yazl from 'yazl';

/** Builds a PDF with one page per entry, each line drawn in Helvetica 12pt (WinAnsi text only); "" leaves a gap. */
export async function makePdf(pages: string[][], options: { title?: string } = {}): Promise<Buffer> {
  const document = await PDFDocument.create();
  if (options.title !== undefined) document.setTitle(options.title);
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = document.addPage([612, 792]);
    let y = 740;
    for (const line of lines) {
      if (line !== '') page.drawText(line, { x: 72, y, size: 12, font });
      y -= 18;
    }
  }
  return Buffer.from(await document.save());
}

/** One body element of a generated DOCX. */
export type DocxBlock =
  | { readonly heading: string; readonly level?: 1 | 2 }
  | { readonly paragraph: string }
  | { readonly table: readonly (readonly string[])[] };

/** The default DOCX content: two headings, paragraphs and a 3×2 table. */
export const DEFAULT_DOCX_BLOCKS: readonly DocxBlock[] = [
  { heading: 'Quarterly Report', level: 1 },
  { paragraph: 'Revenue grew strongly this quarter.' },
  { heading: 'Regional Figures', level: 2 },
  { paragraph: 'The table lists revenue by region.' },
  {
    table: [
      ['Region', 'Revenue'],
      ['North', '100'],
      ['South', '250'],
    ],
  },
];

/** Zips the given entries (deflated) with yazl. */
export async function makeZip(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    zip.addBuffer(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, name);
  }
  zip.end();
  return collect(zip.outputStream);
}

/** Builds a minimal valid WordprocessingML package (styles map Heading1/Heading2 to h1/h2 in mammoth). */
export async function makeDocx(blocks: readonly DocxBlock[] = DEFAULT_DOCX_BLOCKS): Promise<Buffer> {
  return makeZip({ ...docxPackageParts(), 'word/document.xml': documentXml(blocks.map(blockXml).join('')) });
}

/** Builds an XLSX workbook with one worksheet per entry (rows of cells) via exceljs. */
export async function makeXlsx(sheets: Record<string, (string | number)[][]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) workbook.addWorksheet(name).addRows(rows);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A DOCX whose word/document.xml inflates to `inflatedMb` MiB (mostly spaces); about 1/1000 of that on disk. */
export async function makeZipBombDocx(options: { inflatedMb?: number } = {}): Promise<Buffer> {
  const inflatedMb = options.inflatedMb ?? 300;
  const cached = bombCache.get(inflatedMb);
  if (cached) return Buffer.from(cached);
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(docxPackageParts())) zip.addBuffer(Buffer.from(content), name);
  const [head, tail] = documentXml('<w:p><w:r><w:t xml:space="preserve">\u0000</w:t></w:r></w:p>').split(
    '\u0000',
  );
  zip.addReadStream(Readable.from(spaces(head!, inflatedMb, tail!)), 'word/document.xml');
  zip.end();
  const built = await collect(zip.outputStream);
  bombCache.set(inflatedMb, built);
  return Buffer.from(built);
}

/**
 * A one-page PDF whose content stream (FlateDecode, correct zlib framing and checksum) inflates to `inflatedMb`
 * MiB of text-showing operators, each on its own line — about 1 MiB on disk per GiB inflated. Built from one
 * deflated chunk repeated, so generation is instant.
 */
export function makePdfDecompressionBomb(options: { inflatedMb?: number } = {}): Buffer {
  const inflatedMb = options.inflatedMb ?? 1024;
  const unit = '(Lorem ipsum dolor sit amet) Tj 0 -14 Td (consectetur adipiscing) Tj 0 14 Td\n';
  const chunk = Buffer.from(unit.repeat(Math.floor(MIB / unit.length)).padEnd(MIB, ' '), 'latin1');
  const compressedChunk = deflateRawSync(chunk, { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH });
  const prefix = Buffer.from('BT /F1 12 Tf 14 TL 72 700 Td\n', 'latin1');
  const compressedPrefix = deflateRawSync(prefix, { finishFlush: zlibConstants.Z_FULL_FLUSH });
  let checksum = adler32(prefix);
  const chunkChecksum = adler32(chunk);
  for (let index = 0; index < inflatedMb; index++) checksum = adler32Combine(checksum, chunkChecksum, MIB);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(checksum >>> 0);
  const stream = Buffer.concat([
    Buffer.from([0x78, 0xda]),
    compressedPrefix,
    ...Array.from({ length: inflatedMb }, () => compressedChunk),
    Buffer.from([0x03, 0x00]), // final empty fixed-Huffman block
    trailer,
  ]);
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    [`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, stream, '\nendstream'],
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ]);
}

/**
 * The one-page PDF of issue #9: a single content stream inflating to `inflatedMb` MiB, one `Tj` of one string
 * of "A"s — `zlib.compress(b'BT /F1 12 Tf 72 720 Td (' + b'A' * (400 << 20) + b') Tj ET', 9)` — about 400 KiB on
 * disk at the default 400 MiB.
 */
export function makePdfTextBomb(options: { inflatedMb?: number } = {}): Buffer {
  const stream = zlibOfRepeated(
    Buffer.from('BT /F1 12 Tf 72 720 Td (', 'latin1'),
    Buffer.alloc(MIB, 'A'),
    options.inflatedMb ?? 400,
    Buffer.from(') Tj ET', 'latin1'),
  );
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    [`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, stream, '\nendstream'],
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ]);
}

/**
 * An XLSX whose xl/sharedStrings.xml inflates to `inflatedMb` MiB of distinct-looking 1 KiB strings (a sheet
 * uses the first few). Passes the zip guard only when its limits are raised: for tests of what stops it next.
 */
export async function makeSharedStringsBombXlsx(options: { inflatedMb?: number } = {}): Promise<Buffer> {
  const sheetMain = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
  const zip = new yazl.ZipFile();
  const parts: Record<string, string> = {
    '[Content_Types].xml': `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${type}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${type}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${type}.sharedStrings+xml"/></Types>`,
    '_rels/.rels': `${XML_DECL}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${OFFICE_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${XML_DECL}<workbook xmlns="${sheetMain}" xmlns:r="${OFFICE_REL}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${XML_DECL}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${OFFICE_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${OFFICE_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `${XML_DECL}<worksheet xmlns="${sheetMain}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>`,
  };
  for (const [name, content] of Object.entries(parts)) zip.addBuffer(Buffer.from(content), name);
  const unit = `<si><t>${'shared string '.repeat(73)}</t></si>`;
  zip.addReadStream(
    Readable.from(
      repeatedBlocks(`${XML_DECL}<sst xmlns="${sheetMain}">`, unit, options.inflatedMb ?? 400, '</sst>'),
    ),
    'xl/sharedStrings.xml',
  );
  zip.end();
  return collect(zip.outputStream);
}

/** A DOCX whose word/document.xml inflates to `inflatedMb` MiB of real paragraphs (about 1 KiB of text each). */
export async function makeHugeTextDocx(options: { inflatedMb?: number } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(docxPackageParts())) zip.addBuffer(Buffer.from(content), name);
  const [head, tail] = documentXml('\u0000').split('\u0000');
  zip.addReadStream(
    Readable.from(
      repeatedBlocks(head!, paragraphXml('paragraph text '.repeat(68)), options.inflatedMb ?? 400, tail!),
    ),
    'word/document.xml',
  );
  zip.end();
  return collect(zip.outputStream);
}

/** A PDF whose page tree loops: the root /Pages node's only kid is a /Pages node whose kid is the root. */
export function makePdfObjectLoop(): Buffer {
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 2 >>',
    '<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>',
    ['<< /Length 0 >>\nstream\n', '\nendstream'],
  ]);
}

/** A one-page PDF encrypted (RC4, standard handler) with a user password, so it cannot be opened without it. */
export function makeEncryptedPdf(): Buffer {
  const hex = (byte: number) => byte.toString(16).padStart(2, '0').repeat(32);
  return assemblePdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
      `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <${hex(0x11)}> /U <${hex(0x22)}> >>`,
    ],
    `/Encrypt 4 0 R /ID [<${'ab'.repeat(16)}> <${'ab'.repeat(16)}>]`,
  );
}

/**
 * Writes objects 1..n (strings or string/Buffer parts) as a PDF with an exact xref table; object 1 is the
 * root; `trailerExtra` is appended inside the trailer dictionary.
 */
export function assemblePdf(objects: (string | (string | Buffer)[])[], trailerExtra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(offset);
    const body = (Array.isArray(object) ? object : [object]).map((part) =>
      typeof part === 'string' ? Buffer.from(part, 'latin1') : part,
    );
    const bytes = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), ...body, Buffer.from('\nendobj\n')]);
    parts.push(bytes);
    offset += bytes.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((value) => `${String(value).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

const MIB = 1024 * 1024;
const bombCache = new Map<number, Buffer>();
const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function docxPackageParts(): Record<string, string> {
  const main = 'application/vnd.openxmlformats-officedocument.wordprocessingml';
  return {
    '[Content_Types].xml': `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${main}.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="${main}.styles+xml"/></Types>`,
    '_rels/.rels': `${XML_DECL}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${OFFICE_REL}/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/_rels/document.xml.rels': `${XML_DECL}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${OFFICE_REL}/styles" Target="styles.xml"/></Relationships>`,
    'word/styles.xml': `${XML_DECL}<w:styles xmlns:w="${W_NS}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style></w:styles>`,
  };
}

function documentXml(body: string): string {
  return `${XML_DECL}<w:document xmlns:w="${W_NS}"><w:body>${body}<w:sectPr/></w:body></w:document>`;
}

function blockXml(block: DocxBlock): string {
  if ('heading' in block) return paragraphXml(block.heading, `Heading${block.level ?? 1}`);
  if ('paragraph' in block) return paragraphXml(block.paragraph);
  const rows = block.table.map(
    (row) => `<w:tr>${row.map((cell) => `<w:tc>${paragraphXml(cell)}</w:tc>`).join('')}</w:tr>`,
  );
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${rows.join('')}</w:tbl>`;
}

function paragraphXml(text: string, style?: string): string {
  const properties = style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : '';
  return `<w:p>${properties}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (char) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot' }[char]};`);
}

function* spaces(head: string, mebibytes: number, tail: string): Generator<Buffer> {
  yield Buffer.from(head);
  const block = Buffer.alloc(MIB, 0x20);
  for (let index = 0; index < mebibytes; index++) yield block;
  yield Buffer.from(tail);
}

/** `head`, then `mebibytes` blocks of about 1 MiB of whole `unit`s, then `tail`: streamed, never held whole. */
function* repeatedBlocks(head: string, unit: string, mebibytes: number, tail: string): Generator<Buffer> {
  yield Buffer.from(head);
  const block = Buffer.from(unit.repeat(Math.max(1, Math.floor(MIB / unit.length))));
  for (let index = 0; index < mebibytes; index++) yield block;
  yield Buffer.from(tail);
}

/**
 * A zlib stream (header, deflate, adler32) of `prefix` + `count` × `chunk` + `suffix`, built by deflating each
 * part once (full flush keeps blocks independent) and repeating the chunk's bytes: instant, and small in memory.
 */
function zlibOfRepeated(prefix: Buffer, chunk: Buffer, count: number, suffix: Buffer): Buffer {
  const flush = { finishFlush: zlibConstants.Z_FULL_FLUSH };
  const compressedChunk = deflateRawSync(chunk, { level: 9, ...flush });
  let checksum = adler32(prefix);
  const chunkChecksum = adler32(chunk);
  for (let index = 0; index < count; index++)
    checksum = adler32Combine(checksum, chunkChecksum, chunk.length);
  checksum = adler32Combine(checksum, adler32(suffix), suffix.length);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(checksum >>> 0);
  return Buffer.concat([
    Buffer.from([0x78, 0xda]),
    deflateRawSync(prefix, flush),
    ...Array.from({ length: count }, () => compressedChunk),
    deflateRawSync(suffix, { level: 9 }), // ends with the final block
    trailer,
  ]);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib's adler32_combine: the checksum of A‖B from those of A and B and B's length. */
function adler32Combine(first: number, second: number, secondLength: number): number {
  const base = 65521;
  const remainder = secondLength % base;
  let sum1 = first & 0xffff;
  let sum2 = (remainder * sum1) % base;
  sum1 += (second & 0xffff) + base - 1;
  sum2 += (first >>> 16) + (second >>> 16) + base - remainder;
  sum1 %= base;
  sum2 %= base;
  return ((sum2 << 16) | sum1) >>> 0;
}
