/**
 * PDF → paragraph blocks per page via pdf.js (unpdf's serverless build). Lines are rebuilt from text items
 * (hasEOL and baseline changes), paragraphs from vertical gaps. Pages are processed one at a time and cleaned
 * up, so memory stays bounded by the largest page, not the document. Run it inside the sandboxed extraction child.
 */
import { readFile } from 'node:fs/promises';
import { getDocumentProxy } from 'unpdf';
import { AppError } from '../../../shared/errors.js';
import { DocumentBuilder } from './document-builder.js';
import type { ExtractedDocument } from './extracted-document.js';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;
type PdfTextItem = Awaited<ReturnType<PdfPage['getTextContent']>>['items'][number];

interface Line {
  text: string;
  y: number;
  height: number;
  ended: boolean;
}

/** Extracts a PDF; rejects (FILE_REJECTED) one with more than `maxPdfPages` pages or `maxChars` of text. */
export async function extractPdf(
  path: string,
  limits: { maxPdfPages: number; maxChars?: number },
): Promise<ExtractedDocument> {
  let pdf: PdfDocument;
  try {
    pdf = await getDocumentProxy(new Uint8Array(await readFile(path)), {
      verbosity: 0,
      isEvalSupported: false,
      stopAtErrors: false,
      disableFontFace: true,
    });
  } catch (error) {
    throw pdfError(error);
  }
  try {
    if (pdf.numPages > limits.maxPdfPages) {
      throw new AppError(
        'FILE_REJECTED',
        `The PDF has ${pdf.numPages} pages; at most ${limits.maxPdfPages} are accepted`,
      );
    }
    const builder = new DocumentBuilder(limits.maxChars);
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const page = await pdf.getPage(pageNumber);
      try {
        const content = await page.getTextContent();
        for (const paragraph of paragraphsOf(content.items)) {
          builder.add('paragraph', paragraph, { page: pageNumber });
        }
      } finally {
        page.cleanup();
      }
    }
    return builder.build({ pageCount: pdf.numPages, title: await titleOf(pdf) });
  } catch (error) {
    throw pdfError(error);
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

/** Groups a page's text items into lines, then lines into paragraphs (split on larger vertical gaps). */
export function paragraphsOf(items: readonly PdfTextItem[]): string[] {
  const lines: Line[] = [];
  for (const item of items) {
    if (!('str' in item)) continue;
    const y = Number(item.transform[5]) || 0;
    const height = item.height > 0 ? item.height : Math.abs(Number(item.transform[3])) || 10;
    let line = lines.at(-1);
    if (
      !line ||
      line.ended ||
      (item.str !== '' && Math.abs(y - line.y) > Math.max(line.height, height) * 0.5)
    ) {
      line = { text: '', y, height, ended: false };
      lines.push(line);
    }
    line.text += item.str;
    if (item.str.trim() !== '') line.height = Math.max(line.height, height);
    if (item.hasEOL) line.ended = true;
  }
  const visible = lines.filter((line) => line.text.trim() !== '');
  const gaps = visible.slice(1).map((line, index) => visible[index]!.y - line.y);
  const positive = gaps.filter((gap) => gap > 0).sort((a, b) => a - b);
  const typicalGap = positive[Math.floor((positive.length - 1) / 2)];
  const paragraphs: string[][] = [];
  visible.forEach((line, index) => {
    const gap = index === 0 ? 0 : gaps[index - 1]!;
    const height = line.height;
    const breakAt = Math.min(height * 2.2, Math.max((typicalGap ?? height * 1.5) * 1.4, height * 1.2));
    if (index === 0 || gap > breakAt || gap < -height) paragraphs.push([]);
    paragraphs.at(-1)!.push(line.text.replace(/\s+$/, ''));
  });
  return paragraphs.map((paragraph) => paragraph.join('\n'));
}

async function titleOf(pdf: PdfDocument): Promise<string | undefined> {
  try {
    const info = (await pdf.getMetadata()).info as Record<string, unknown>;
    return typeof info.Title === 'string' && info.Title.trim() !== '' ? info.Title : undefined;
  } catch {
    return undefined;
  }
}

function pdfError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') {
    return new AppError('EXTRACTION_FAILED', 'The PDF is encrypted (password-protected) and cannot be read');
  }
  if (name === 'InvalidPDFException') {
    return new AppError('EXTRACTION_FAILED', `The file is not a valid PDF (${message})`);
  }
  return new AppError('EXTRACTION_FAILED', `The PDF could not be read: ${message}`);
}
