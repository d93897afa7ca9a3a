import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CatalogEntry, ModelCatalog } from '../../modules/models/model-catalog.js';
import {
  downloadModel,
  pullSizeLimit,
  resolvePullTarget,
  type DownloadModelResult,
  type PullTarget,
} from '../../modules/models/model-download.js';
import { usageExitCode } from './knowledge-cli.js';
import { AppError } from '../../shared/errors.js';
import { createByteProgressBar, formatBytes, formatTable } from '../cli-format.js';
import { pullFailureMessage } from './models-pull-failure.js';
import { verifyExistingDownload } from './models-pull-existing.js';

/** A verified download, with the catalogue entry when it was pulled by name. */
export interface PulledModel extends DownloadModelResult {
  /** The catalogue entry the file came from; undefined for direct URLs. */
  entry?: CatalogEntry;
}

/** What the `models pull` and `models catalog` commands need from the rest of the CLI. */
export interface ModelsPullCommandOptions {
  /** The configured catalogue (MODEL_HUB_URL, MODEL_CATALOG_FILE); read when the command runs. */
  catalog: () => ModelCatalog;
  /** Folder models are saved in; read when the command runs, after config has loaded. */
  modelsDir: () => string;
  /** Size cap of a URL outside the catalogue (MODEL_PULL_MAX_GB), in bytes; read when the command runs. */
  maxPullBytes: () => number;
  /** Called after a verified download, e.g. to register the model so the server can load it. */
  onDownloaded?: (result: PulledModel) => Promise<void>;
}

interface PullFlags {
  sha256?: string;
  force?: boolean;
}

/** Adds `pull <name-or-url>` and `catalog` to the `models` command. */
export function registerModelsPullCommand(models: Command, options: ModelsPullCommandOptions): void {
  models
    .command('pull')
    .description('Download a GGUF model by catalogue name or URL; an interrupted pull resumes')
    .argument('<name-or-url>', "a name from 'models catalog', or an http(s) URL of a .gguf file")
    .option('--sha256 <hex>', 'SHA-256 the file must have (catalogue models are already pinned)')
    .option('--force', 'download again even when the file is already there')
    .action(async (nameOrUrl: string, flags: PullFlags) => {
      try {
        await pull(nameOrUrl, flags, options);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = usageExitCode(error);
      }
    });
  models
    .command('catalog')
    .description("List the recommended models 'models pull' knows by name")
    .action(() => {
      process.stdout.write(formatCatalog(options.catalog().list()));
    });
}

async function pull(nameOrUrl: string, flags: PullFlags, options: ModelsPullCommandOptions): Promise<void> {
  const target = withExpectedHash(resolvePullTarget(nameOrUrl, options.catalog()), flags.sha256);
  const destinationDir = options.modelsDir();
  const filePath = path.join(destinationDir, target.fileName);
  // A file already there counts only once verified: a copy cut short must never be reported as done.
  const existing = existsSync(filePath) && !flags.force;
  const result = existing
    ? await verifyExistingDownload(filePath, target)
    : await downloadWithProgress(target, destinationDir, pullSizeLimit(target, options.maxPullBytes()));
  if (!result) return;
  const size = formatBytes(result.sizeBytes);
  process.stdout.write(
    existing
      ? `${filePath} is already downloaded (${size}); checked it instead of downloading again (--force downloads anyway)\n`
      : `Saved ${result.filePath} (${size})\n`,
  );
  const verdict = target.expectedSha256 ? 'verified' : 'recorded, no published hash to check against';
  process.stdout.write(`sha256 ${result.sha256} (${verdict})\n`);
  await options.onDownloaded?.({ ...result, entry: target.entry });
}

function withExpectedHash(target: PullTarget, sha256: string | undefined): PullTarget {
  if (sha256 === undefined) return target;
  const wanted = sha256.trim().toLowerCase();
  if (target.expectedSha256 !== undefined && target.expectedSha256 !== wanted) {
    throw new AppError(
      'VALIDATION_ERROR',
      `--sha256 differs from the catalogue pin ${target.expectedSha256}`,
    );
  }
  return { ...target, expectedSha256: wanted };
}

/** Runs the download behind a progress bar; Ctrl-C keeps the part file and returns undefined. */
async function downloadWithProgress(
  target: PullTarget,
  destinationDir: string,
  maxBytes: number,
): Promise<DownloadModelResult | undefined> {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  // A listener stops Node exiting on the first Ctrl-C; a second one (listener gone) still kills it.
  process.once('SIGINT', interrupt);
  const progress = createByteProgressBar({ showSpeed: true });
  process.stderr.write(`Downloading ${target.fileName} from ${target.url}\n`);
  try {
    return await downloadModel({
      url: target.url,
      fileName: target.fileName,
      expectedSha256: target.expectedSha256,
      destinationDir,
      // The operator's own command reaches any address (no guard: an internal mirror is theirs to use),
      // but the size cap and the GGUF check protect the disk all the same.
      maxBytes,
      signal: controller.signal,
      onProgress: progress.update,
    });
  } catch (error) {
    progress.stop();
    const partPath = path.join(destinationDir, `${target.fileName}.part`);
    const keptBytes = existsSync(partPath) ? statSync(partPath).size : 0;
    if (controller.signal.aborted) {
      const kept = keptBytes > 0 ? formatBytes(keptBytes) : 'nothing';
      process.stderr.write(`Interrupted: kept ${kept} in ${partPath}; the next pull resumes from there.\n`);
      process.exitCode = 130;
      return undefined;
    }
    if (!(error instanceof AppError)) throw error;
    // Read here, not in config: these are the machine's own settings, which pulls do not follow.
    const proxyConfigured = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some(
      (name) => process.env[name],
    );
    process.stderr.write(pullFailureMessage({ error, target, destinationDir, keptBytes, proxyConfigured }));
    process.exitCode = 1;
    return undefined;
  } finally {
    process.removeListener('SIGINT', interrupt);
    progress.stop();
  }
}

/** The catalogue as an aligned text table, one model per row. */
function formatCatalog(entries: readonly CatalogEntry[]): string {
  const header = ['NAME', 'KIND', 'SIZE', 'RAM@4K', 'LICENCE', 'DESCRIPTION'];
  const rows = entries.map((entry) => [
    entry.name,
    entry.reasoning ? `${entry.kind}, reasoning` : entry.kind,
    `${entry.sizeApproximate ? '~' : ''}${formatBytes(entry.sizeBytes)}`,
    formatBytes(entry.ramEstimateMiB * 1024 * 1024),
    entry.licence ?? 'see the publisher',
    entry.description,
  ]);
  return formatTable(header, rows);
}
