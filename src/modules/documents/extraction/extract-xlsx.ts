/** XLSX → blocks: per sheet a heading (the sheet name) and one row block per non-empty row. */
import ExcelJS from 'exceljs';
import { AppError } from '../../../shared/errors.js';
import { cleanText, DocumentBuilder } from './document-builder.js';
import type { ExtractedDocument } from './extracted-document.js';
import { inspectZipArchive, type ZipLimits } from './zip-guard.js';

/** Extracts an XLSX (after the zip guard): cells as displayed, joined " | ", header = sheet's first row. */
export async function extractXlsx(
  path: string,
  limits: ZipLimits & { maxChars?: number },
): Promise<ExtractedDocument> {
  await inspectZipArchive(path, limits, 'xl/workbook.xml');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('EXTRACTION_FAILED', `The XLSX could not be read: ${message}`);
  }
  const builder = new DocumentBuilder(limits.maxChars);
  for (const worksheet of workbook.worksheets) {
    const sheet = cleanText(worksheet.name);
    const rows: string[] = [];
    worksheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cellText(cell).trim();
      });
      const filled = Array.from(cells, (cell) => cell ?? '');
      while (filled.length > 0 && filled.at(-1) === '') filled.pop();
      const text = cleanText(filled.join(' | '));
      if (text !== '') rows.push(text);
    });
    if (rows.length === 0) continue;
    builder.add('heading', sheet, { level: 1, sheet });
    for (const text of rows) builder.add('row', text, { sheet, header: rows[0] });
  }
  return builder.build();
}

/** The cell as a reader sees it: merged areas once, dates as ISO dates, formulas as their cached result. */
function cellText(cell: ExcelJS.Cell): string {
  if (cell.isMerged && cell.master.address !== cell.address) return '';
  const value: unknown = cell.value;
  const shown = value !== null && typeof value === 'object' && 'formula' in value ? cell.result : value;
  if (shown instanceof Date) return formatDate(shown);
  try {
    return cell.text;
  } catch {
    return '';
  }
}

function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}
