/**
 * Decides what an uploaded file is from its (untrusted) name and its first bytes. The extension picks the
 * kind; the content must agree with it, so a renamed executable or a PDF called .txt never reaches a parser.
 */
import { AppError } from '../../../shared/errors.js';
import type { DocumentKind } from './extracted-document.js';

/** What detectDocumentKind found: the kind, the lower-case extension (no dot) and its canonical MIME type. */
export interface DetectedFileType {
  readonly kind: DocumentKind;
  readonly extension: string;
  readonly mimeType: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F]/g;

/** Bytes of the file start that detection should be given (or the whole file when smaller). */
export const FILE_TYPE_HEAD_BYTES = 8192;

const TYPES: Record<string, { kind: DocumentKind; mimeType: string }> = {
  pdf: { kind: 'pdf', mimeType: 'application/pdf' },
  docx: {
    kind: 'docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  xlsx: { kind: 'xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  csv: { kind: 'csv', mimeType: 'text/csv' },
  md: { kind: 'markdown', mimeType: 'text/markdown' },
  markdown: { kind: 'markdown', mimeType: 'text/markdown' },
  html: { kind: 'html', mimeType: 'text/html' },
  htm: { kind: 'html', mimeType: 'text/html' },
  txt: { kind: 'text', mimeType: 'text/plain' },
  text: { kind: 'text', mimeType: 'text/plain' },
  log: { kind: 'text', mimeType: 'text/plain' },
};

/** Accepted extensions (without dot), for messages and upload forms. */
export const ACCEPTED_EXTENSIONS: readonly string[] = Object.keys(TYPES);

/** Known binary signatures, checked at offset 0; a text file must not start with any of them. */
const SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: ascii('%PDF-'), what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'a ZIP archive' },
  { bytes: [0x50, 0x4b, 0x07, 0x08], what: 'a ZIP archive' },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image' },
  { bytes: ascii('GIF87a'), what: 'a GIF image' },
  { bytes: ascii('GIF89a'), what: 'a GIF image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: ascii('Rar!'), what: 'a RAR archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an XZ archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'a legacy Office (OLE2) file' },
  { bytes: [0x00, 0x61, 0x73, 0x6d], what: 'a WebAssembly module' },
  { bytes: [0xca, 0xfe, 0xba, 0xbe], what: 'a Java class or Mach-O binary' },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], what: 'a Mach-O executable' },
  { bytes: ascii('SQLite format 3'), what: 'an SQLite database' },
  { bytes: ascii('RIFF'), what: 'a RIFF media file' },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text (save it as UTF-8)' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text (save it as UTF-8)' },
];

/**
 * Maps an upload to a document kind, checking that the extension of `originalFilename` and the magic bytes
 * in `head` (the first FILE_TYPE_HEAD_BYTES bytes, or the whole file) agree. Throws AppError
 * UNSUPPORTED_MEDIA_TYPE, FILE_EMPTY or FILE_TYPE_MISMATCH.
 */
export function detectDocumentKind(originalFilename: string, head: Buffer): DetectedFileType {
  const extension = extensionOf(originalFilename);
  const type = extension === undefined ? undefined : TYPES[extension];
  if (extension === undefined || type === undefined) {
    const shown = extension === undefined ? 'Files without an extension' : `.${printable(extension)} files`;
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${shown} are not supported; accepted: ${ACCEPTED_EXTENSIONS.map((ext) => `.${ext}`).join(', ')}`,
    );
  }
  if (head.length === 0) throw new AppError('FILE_EMPTY', 'The file is empty');
  const content = describeContent(head);
  const expected = expectedContent(type.kind);
  if (!matches(type.kind, head, content)) {
    throw new AppError(
      'FILE_TYPE_MISMATCH',
      `The file has extension .${extension} but its content is ${content}, not ${expected}`,
    );
  }
  return { kind: type.kind, extension, mimeType: type.mimeType };
}

/** The lower-case extension (no dot) of the last path segment of an untrusted file name, if it has one. */
export function extensionOf(filename: string): string | undefined {
  const base = (lastSegment(filename.replace(CONTROL_CHARACTERS, '')) ?? '').trim();
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return base.slice(dot + 1).toLowerCase();
}

/** A short description of what the bytes look like: a known format, "binary data", non-UTF-8 text or "text". */
export function describeContent(head: Buffer): string {
  const signature = signatureOf(head);
  if (signature) return signature;
  if (head[0] === 0x4d && head[1] === 0x5a && head.subarray(0, 64).includes(0)) return 'a Windows executable';
  if (head.includes(0) || controlBytes(head) > head.length * 0.05) return 'binary data';
  try {
    // stream: true tolerates a multi-byte character cut off at the end of the head; a BOM is fine.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'text that is not UTF-8 (save it as UTF-8)';
  }
  return 'text';
}

function signatureOf(head: Buffer): string | undefined {
  return SIGNATURES.find(({ bytes }) => bytes.every((byte, index) => head[index] === byte))?.what;
}

function matches(kind: DocumentKind, head: Buffer, content: string): boolean {
  switch (kind) {
    case 'pdf':
      // The PDF header may follow a little junk (readers look in the first 1024 bytes) but not a signature.
      return content === 'a PDF document' || (!signatureOf(head) && head.subarray(0, 1024).includes('%PDF-'));
    case 'docx':
    case 'xlsx':
      return head.length >= 4 && head.readUInt32BE(0) === 0x504b0304;
    default:
      return content === 'text';
  }
}

function expectedContent(kind: DocumentKind): string {
  if (kind === 'pdf') return 'a PDF document';
  if (kind === 'docx' || kind === 'xlsx') return `a ${kind.toUpperCase()} (ZIP) container`;
  return 'UTF-8 text';
}

/** Control bytes other than tab, newlines, form feed and escape. */
function controlBytes(head: Buffer): number {
  let count = 0;
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b)
      count++;
  }
  return count;
}

function lastSegment(name: string): string | undefined {
  return name.split(/[/\\]/).pop();
}

function ascii(text: string): number[] {
  return [...Buffer.from(text, 'latin1')];
}

function printable(text: string): string {
  const cleaned = text.replace(/[^\p{L}\p{N}_-]/gu, '?');
  return cleaned.length > 16 ? `${cleaned.slice(0, 16)}…` : cleaned;
}
