/**
 * Extracts one file in the current thread, loading only the parser its kind needs. Production code calls
 * extractDocument (extraction-runner.ts), which runs this inside the sandboxed child process.
 */
import type { ExtractedDocument, DocumentKind } from './extracted-document.js';
import type { ExtractionLimits } from './extraction-limits.js';

/** Extracts the file at `path` as `kind` (already verified by detectDocumentKind) under `limits`. */
export async function extractFile(
  path: string,
  kind: DocumentKind,
  limits: ExtractionLimits,
): Promise<ExtractedDocument> {
  switch (kind) {
    case 'pdf':
      return (await import('./extract-pdf.js')).extractPdf(path, limits);
    case 'docx':
      return (await import('./extract-docx.js')).extractDocx(path, limits);
    case 'xlsx':
      return (await import('./extract-xlsx.js')).extractXlsx(path, limits);
    case 'csv':
      return (await import('./extract-csv.js')).extractCsv(path);
    case 'markdown':
      return (await import('./extract-markdown.js')).extractMarkdown(path);
    case 'html':
      return (await import('./extract-html.js')).extractHtml(path);
    case 'text':
      return (await import('./extract-text.js')).extractPlainText(path);
  }
}
