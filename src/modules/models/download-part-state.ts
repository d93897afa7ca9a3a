import { readFile, rm, writeFile } from 'node:fs/promises';

/** What a `.part` file was downloaded from, so a resume never splices bytes from another source. */
export interface PartState {
  /** The URL the part's bytes came from. */
  readonly url: string;
  /** The server's validator for those bytes (strong ETag or Last-Modified), sent as If-Range. */
  readonly validator?: string;
  /**
   * The SHA-256 pin the finished file must have, when the pull had one. A part with a pin may be
   * continued from another URL with the same pin (a mirror of the same file): the hash check at the
   * end deletes the part if the two sources did not serve the same bytes.
   */
  readonly sha256?: string;
}

const statePath = (partPath: string) => `${partPath}.json`;

/** Reads the state saved beside a part; undefined when missing or unreadable. */
export async function readPartState(partPath: string): Promise<PartState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(statePath(partPath), 'utf8')) as Partial<PartState>;
    if (typeof parsed.url !== 'string') return undefined;
    const sha256 = typeof parsed.sha256 === 'string' ? parsed.sha256 : undefined;
    return { url: parsed.url, validator: parsed.validator, sha256 };
  } catch {
    return undefined;
  }
}

/** Saves which URL (and version of it, and under which pin) a fresh part is being written from. */
export async function writePartState(
  partPath: string,
  response: Response,
  url: string,
  sha256: string | undefined,
): Promise<void> {
  const etag = response.headers.get('etag');
  // If-Range accepts only strong validators: a weak ETag falls back to Last-Modified.
  const validator =
    etag && !etag.startsWith('W/') ? etag : (response.headers.get('last-modified') ?? undefined);
  await writeFile(statePath(partPath), JSON.stringify({ url, validator, sha256 } satisfies PartState));
}

/** Removes the saved state (after the part became the final file, or was discarded). */
export async function removePartState(partPath: string): Promise<void> {
  await rm(statePath(partPath), { force: true });
}
