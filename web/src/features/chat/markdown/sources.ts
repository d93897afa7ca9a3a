/**
 * A source an assistant answer may cite as [n], as the server stores it with the message
 * (src/modules/chat/rag-context.ts `Source`, marked by `markCited`). The fields after `cited` are
 * stored too but optional here so older messages and tests may leave them out.
 */
export interface Source {
  index: number;
  document_id: string;
  chunk_id: string;
  filename: string;
  page: number | null;
  score?: number;
  cited?: boolean;
  chunk_index?: number;
  page_end?: number | null;
  heading?: string | null;
  similarity_score?: number | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The well-formed sources among a message's `sources` (typed `unknown[]` by the API). */
export function toSources(raw: readonly unknown[] | null | undefined): Source[] {
  if (!raw) return [];
  return raw.flatMap((item): Source[] =>
    isRecord(item) &&
    typeof item.index === 'number' &&
    Number.isInteger(item.index) &&
    typeof item.document_id === 'string' &&
    typeof item.chunk_id === 'string' &&
    typeof item.filename === 'string'
      ? [{ ...(item as unknown as Source), page: typeof item.page === 'number' ? item.page : null }]
      : [],
  );
}
