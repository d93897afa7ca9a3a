/** `models pull` when the file is already in MODELS_DIR: verified before it counts as downloaded. */
import { statSync } from 'node:fs';
import { checkGgufComplete } from '../../modules/models/gguf-completeness.js';
import { fileSha256 } from '../../modules/models/local-model-file.js';
import type { DownloadModelResult, PullTarget } from '../../modules/models/model-download.js';
import { AppError } from '../../shared/errors.js';

/**
 * Checks a file already at `filePath`: a whole GGUF (header read first, so a cut-short copy is refused
 * without hashing it) with the pinned or --sha256 hash when there is one. Returns it as a finished
 * download, or throws INTEGRITY_ERROR saying what differs and that --force downloads it again.
 */
export async function verifyExistingDownload(
  filePath: string,
  target: PullTarget,
): Promise<DownloadModelResult> {
  const again = `pass --force to replace it with a fresh download (or delete it)`;
  try {
    await checkGgufComplete(filePath);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError('INTEGRITY_ERROR', `${error.message}; it is not the file to download: ${again}`);
  }
  const sha256 = await fileSha256(filePath);
  if (target.expectedSha256 !== undefined && sha256 !== target.expectedSha256) {
    const pinned = target.entry ? `the catalogue's pinned ${target.entry.name}` : 'the --sha256 given';
    throw new AppError(
      'INTEGRITY_ERROR',
      `${filePath} is already there but differs from ${pinned}: sha256 ${sha256}, expected ` +
        `${target.expectedSha256}; ${again}`,
    );
  }
  return { filePath, sha256, sizeBytes: statSync(filePath).size, resumed: false };
}
