/** What `models pull` prints when a download fails: the cause, what was kept, and what to do next. */
import path from 'node:path';
import type { PullTarget } from '../../modules/models/model-download.js';
import type { AppError } from '../../shared/errors.js';
import { formatBytes } from '../cli-format.js';

/** Everything the failure message says something about. */
export interface PullFailure {
  /** The download's error (DOWNLOAD_FAILED, NOT_A_GGUF, INTEGRITY_ERROR …). */
  readonly error: AppError;
  /** What was being pulled. */
  readonly target: PullTarget;
  /** Folder the model was to be saved in. */
  readonly destinationDir: string;
  /** Bytes left in `<file>.part` after the failure (0 when none). */
  readonly keptBytes: number;
  /** Whether HTTPS_PROXY or HTTP_PROXY is set: pulls connect directly, which such a network refuses. */
  readonly proxyConfigured: boolean;
}

/** The lines printed on stderr for a failed pull, each ending in a newline. */
export function pullFailureMessage(failure: PullFailure): string {
  const { error, target, destinationDir, keptBytes } = failure;
  const lines = [`error: ${error.message}`];
  const partPath = path.join(destinationDir, `${target.fileName}.part`);
  if (keptBytes > 0) {
    const next = error.retryable ? 'run the same command again to resume' : 'a later pull resumes from there';
    lines.push(`Kept ${formatBytes(keptBytes)} in ${partPath}; ${next}.`);
  } else {
    lines.push('Nothing was kept.');
  }
  // No answer at all (DNS, refused, unreachable, TLS, timeout): most often a server without internet.
  if (error.details?.reached === false) lines.push('', ...installByHand(failure));
  return lines.map((line) => `${line}\n`).join('');
}

/** The offline install, spelled out for this file. */
function installByHand({ target, destinationDir, proxyConfigured }: PullFailure): string[] {
  const copied = path.join(destinationDir, target.fileName);
  const entry = target.entry;
  const check = entry?.sha256
    ? [`     (${entry.sizeBytes.toLocaleString('en-US')} bytes, sha256 ${entry.sha256})`]
    : [];
  const mirror = entry
    ? 'Or set MODEL_HUB_URL to an internal mirror of the hub (same <repo>/resolve/<revision>/<file> paths) and pull again.'
    : 'Or pull the same file from a mirror this server can reach: npx privatestack models pull <mirror URL>';
  const proxy = proxyConfigured
    ? ['Note: HTTPS_PROXY/HTTP_PROXY is set, but pulls connect directly and do not use a proxy.']
    : [];
  return [
    'If this server has no internet access, install the model by hand:',
    '  1. On a machine with internet, download',
    `       ${target.url}`,
    ...check,
    `  2. Copy the file onto this server, e.g. to ${copied}`,
    `  3. Run: npx privatestack models add ${copied}`,
    mirror,
    ...proxy,
  ];
}
