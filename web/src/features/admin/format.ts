// Number, size and time formatting for the admin screens, in the user's locale.

/** Bytes as B, KB, MB, GB or TB (1024-based), one decimal above KB. */
export function formatBytes(bytes: number | null | undefined, locale: string): string {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${units[unit]}`;
}

/** A plain number with grouping. */
export function formatNumber(value: number, locale: string, digits = 0): string {
  return value.toLocaleString(locale, { maximumFractionDigits: digits });
}

/** Milliseconds as "850 ms" or "1.2 s"; a dash when unknown. */
export function formatMs(value: number | null, locale: string): string {
  if (value === null) return '—';
  if (value < 1000) return `${formatNumber(value, locale)} ms`;
  return `${formatNumber(value / 1000, locale, 1)} s`;
}

/** Seconds as "3d 4h", "2h 5m" or "42s". */
export function formatDuration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

/** A date and time, short; a dash for null. */
export function formatDateTime(iso: string | null, locale: string): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Percent done of a download (0–100), or null when the total is unknown. */
export function percentOf(done: number, total: number | null): number | null {
  if (!total || total <= 0) return null;
  return Math.min(100, Math.floor((done / total) * 100));
}
