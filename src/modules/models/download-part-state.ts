import { readFile, rm, writeFile } from 'node:fs/promises';

/** What a `.part` file was downloaded from, so a resume never splices bytes from another source. */
export interface PartState {
  /** The URL the part's bytes came from. */
  readonly url: string;
  /** The server's validator for those bytes (strong ETag or Last-Modified), sent as If-Range. */
  readonly validator?: string;
}

const statePath = (partPath: string) => `${partPath}.json`;

/** Reads the state saved beside a part; undefined when missing or unreadable. */
export async function readPartState(partPath: string): Promise<PartState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(statePath(partPath), 'utf8')) as Partial<PartState>;
    return typeof parsed.url === 'string' ? { url: parsed.url, validator: parsed.validator } : undefined;
  } catch {
    return undefined;
  }
}

/** Saves which URL (and version of it) a fresh part is being written from. */
export async function writePartState(partPath: string, response: Response, url: string): Promise<void> {
  const etag = response.headers.get('etag');
  // If-Range accepts only strong validators: a weak ETag falls back to Last-Modified.
  const validator =
    etag && !etag.startsWith('W/') ? etag : (response.headers.get('last-modified') ?? undefined);
  await writeFile(statePath(partPath), JSON.stringify({ url, validator } satisfies PartState));
}

/** Removes the saved state (after the part became the final file, or was discarded). */
export async function removePartState(partPath: string): Promise<void> {
  await rm(statePath(partPath), { force: true });
}
