/**
 * A Content-Disposition value that is safe whatever the stored name contains: an ASCII fallback
 * with quotes, backslashes and control characters replaced, plus the RFC 5987 UTF-8 form.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_').slice(0, 200) || 'download';
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
