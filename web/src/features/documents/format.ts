// Sizes and dates the local way (Intl, in the app's current locale), and names of document kinds.
import type { Translate } from '../../i18n/i18n';

const KINDS = ['pdf', 'docx', 'xlsx', 'csv', 'markdown', 'html', 'text'] as const;

/** "Markdown", "PDF"…: the translated name of a document kind (the raw kind when unknown). */
export function kindLabel(kind: string, t: Translate): string {
  const known = KINDS.find((value) => value === kind);
  return known ? t(`documents.kind.${known}`) : kind.toUpperCase();
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "1.2 MB" / "1,2 MB": a byte count in the largest unit that keeps it at or above 1. */
export function formatBytes(bytes: number, locale: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** A date and time, medium length. */
export function formatDate(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A plain number with the local digit grouping. */
export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}
