/** DOCX → blocks: the container is checked by the zip guard, converted to HTML by mammoth, then walked. */
import mammoth from 'mammoth';
import { AppError } from '../../../shared/errors.js';
import { DocumentBuilder } from './document-builder.js';
import type { ExtractedDocument } from './extracted-document.js';
import { walkHtml } from './extract-html.js';
import { inspectZipArchive, type ZipLimits } from './zip-guard.js';

/** Extracts a DOCX: headings (h1–h6 with level), paragraphs and list items, table rows; title = first heading. */
export async function extractDocx(
  path: string,
  limits: ZipLimits & { maxChars?: number },
): Promise<ExtractedDocument> {
  await inspectZipArchive(path, limits, 'word/document.xml');
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { path },
      {
        // Never load image bytes (they would become base64 data URIs) nor follow links to external files.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        externalFileAccess: false,
      },
    );
    html = result.value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('EXTRACTION_FAILED', `The DOCX could not be read: ${message}`);
  }
  const builder = new DocumentBuilder(limits.maxChars);
  const { firstHeading } = walkHtml(html, builder);
  return builder.build({ title: firstHeading });
}
