import { AppError, errors, type ErrorCode } from '../../shared/errors.js';
import type { Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import type { ModelDownloadRepository, ModelDownloadRow } from './model-download.repository.js';
import { downloadModel, pullSizeLimit, resolvePullTarget, type PullTarget } from './model-download.js';
import type { ModelCatalog } from './model-catalog.js';
import type { ModelRegistry } from './model-registry.service.js';
import { describeNetworkCause } from './network-causes.js';
import type { AddressGuard } from './pull-address-guard.js';

/** A download as the API shows it. */
export function presentDownload(row: ModelDownloadRow) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    status: row.status,
    bytes_done: Number(row.bytes_done),
    bytes_total: row.bytes_total === null ? null : Number(row.bytes_total),
    error: row.error,
    error_code: failureCode(row.error),
    model_id: row.model_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    dismissed_at: row.dismissed_at,
  };
}

const PROGRESS_INTERVAL_MS = 1000;

/**
 * What a failed pull tells the client: a stable code and a fixed sentence. Never the upstream's
 * status, body or error text (the URL may have pointed at an internal service); those go to the log.
 */
const PUBLIC_FAILURES: Partial<Record<ErrorCode, string>> = {
  MODEL_PULL_BLOCKED: 'the address is not allowed for model pulls (see MODEL_PULL_ALLOWED_HOSTS)',
  MODEL_TOO_LARGE: 'the file is larger than the limit for this pull',
  NOT_A_GGUF: 'the file is not a GGUF model',
  INTEGRITY_ERROR: 'the SHA-256 of the downloaded file does not match the expected one',
  VALIDATION_ERROR: 'the download could not be started',
};

/** What an administrator of a server without internet can do instead of a pull. */
const BY_HAND =
  'Without internet on this server: download the file on another machine, copy it onto the server ' +
  'and run `npx privatestack models add <file>`';

/** The failure text stored on a download row and shown by the API. */
export function publicFailure(error: unknown): string {
  const transfer = error instanceof AppError ? transferFailure(error) : undefined;
  if (transfer) return `DOWNLOAD_FAILED: ${transfer}`;
  const code = error instanceof AppError && PUBLIC_FAILURES[error.code] ? error.code : 'DOWNLOAD_FAILED';
  return `${code}: ${PUBLIC_FAILURES[code] ?? 'the download failed; the server log has the details'}`;
}

/** Why a pull stopped without a failure of its own: the process ended under it. */
const INTERRUPTED = {
  shutdown: 'DOWNLOAD_INTERRUPTED: interrupted by a shutdown; retry to resume',
  restart: 'DOWNLOAD_INTERRUPTED: interrupted by a restart; retry to resume',
};

/** The codes a failed download carries, for clients to translate (the stored text is English). */
export const DOWNLOAD_FAILURE_CODES = [
  'DOWNLOAD_FAILED',
  'DOWNLOAD_INTERRUPTED',
  'MODEL_PULL_BLOCKED',
  'MODEL_TOO_LARGE',
  'NOT_A_GGUF',
  'INTEGRITY_ERROR',
  'VALIDATION_ERROR',
] as const satisfies readonly (ErrorCode | 'DOWNLOAD_INTERRUPTED')[];

/** The stable code at the start of a stored failure (`CODE: sentence`), or null when there is none. */
export function failureCode(error: string | null): (typeof DOWNLOAD_FAILURE_CODES)[number] | null {
  if (error === null) return null;
  const prefix = /^([A-Z_]+): /.exec(error)?.[1];
  const known = DOWNLOAD_FAILURE_CODES.find((code) => code === prefix);
  // Rows from before the prefix said "Interrupted by a restart; pull again to resume".
  return known ?? (error.startsWith('Interrupted') ? 'DOWNLOAD_INTERRUPTED' : 'DOWNLOAD_FAILED');
}

/**
 * A connection or HTTP failure as the client may see it: the host (it passed the address guard, so it
 * is public or allowed) and the cause from a fixed vocabulary of system error codes. Not the status:
 * that stays in the log, as decided for every upstream answer.
 */
function transferFailure(error: AppError): string | undefined {
  const { host, cause, reached, upstreamStatus } = error.details ?? {};
  if (error.code !== 'DOWNLOAD_FAILED' || typeof host !== 'string') return undefined;
  if (typeof upstreamStatus === 'number') {
    return `${host} answered with an HTTP error (the server log has the status)`;
  }
  const why = describeNetworkCause(typeof cause === 'string' ? cause : undefined);
  if (reached === false) return `could not reach ${host}: ${why}. ${BY_HAND}`;
  if (reached === true) return `the download from ${host} broke off: ${why}; pull again to resume`;
  return undefined;
}

/**
 * Model pulls started from the admin API: resolved like `privatestack models pull`, downloaded in the
 * background (resumable, sha256-verified), progress kept in the database, registered when done.
 */
export function createModelDownloadsService(dependencies: {
  downloads: ModelDownloadRepository;
  registry: ModelRegistry;
  policy: Pick<Policy, 'authorize'>;
  modelsDir: string;
  clock: () => Date;
  /** Decides which addresses a pull may reach (MODEL_PULL_ALLOWED_HOSTS). */
  guard: AddressGuard;
  /** The catalogue pulls by id resolve in (MODEL_HUB_URL, MODEL_CATALOG_FILE). */
  catalog: ModelCatalog;
  /**
   * The guard for catalogue pulls: their URL comes from configuration, not from the caller, so it
   * also trusts MODEL_HUB_URL's host (an internal mirror). Default: `guard`.
   */
  catalogGuard?: AddressGuard;
  /** Size cap of a pull outside the catalogue (MODEL_PULL_MAX_GB), in bytes. */
  maxPullBytes: number;
  /** Where a failure's full detail goes (the client sees only publicFailure). */
  log?: (message: string, details: Record<string, unknown>) => void;
  download?: typeof downloadModel;
}) {
  const { downloads, registry, policy, modelsDir, clock, guard, maxPullBytes, catalog } = dependencies;
  const catalogGuard = dependencies.catalogGuard ?? guard;
  const download = dependencies.download ?? downloadModel;
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const activeFiles = new Set<string>();
  const nowIso = () => clock().toISOString();

  const run = async (
    row: ModelDownloadRow,
    controller: AbortController,
    target: PullTarget,
    principal: Principal,
  ) => {
    let lastWrite = 0;
    try {
      const result = await download({
        url: row.url,
        destinationDir: modelsDir,
        fileName: row.file_name,
        expectedSha256: row.expected_sha256 ?? undefined,
        signal: controller.signal,
        guard: target.entry ? catalogGuard : guard,
        maxBytes: pullSizeLimit(target, maxPullBytes),
        onProgress: (done, total) => {
          if (Date.now() - lastWrite < PROGRESS_INTERVAL_MS) return;
          lastWrite = Date.now();
          void downloads.update(row.id, {
            bytes_done: done,
            bytes_total: total ?? null,
            updated_at: nowIso(),
          });
        },
      });
      const model = await registry.register({
        name: row.name,
        filePath: result.filePath,
        sha256: result.sha256,
        sourceUrl: row.url,
        kind: target.entry?.kind ?? 'chat',
      });
      // A server without a model takes its first one at once; marked completed only after, so a
      // client waiting for "completed" can chat next.
      if (model.kind === 'chat') await loadIfNoneLoaded(principal, model.name, row.id);
      await downloads.update(row.id, {
        status: 'completed',
        bytes_done: result.sizeBytes,
        bytes_total: result.sizeBytes,
        model_id: model.id,
        updated_at: nowIso(),
      });
    } catch (error) {
      const message = controller.signal.aborted ? INTERRUPTED.shutdown : publicFailure(error);
      if (!controller.signal.aborted) dependencies.log?.('model pull failed', { download: row.id, error });
      await downloads
        .update(row.id, { status: 'failed', error: message, updated_at: nowIso() })
        .catch(() => undefined);
    } finally {
      running.delete(row.id);
      activeFiles.delete(row.file_name);
    }
  };

  /** Resolves what a pull fetches, with an early answer for an address typed in. */
  const resolveTarget = async (nameOrUrl: string, sha256?: string) => {
    const target = resolvePullTarget(nameOrUrl, catalog);
    // The boundary itself is the check at connection time. (Catalogue URLs come from
    // configuration: no DNS round trip before answering 202.)
    if (!target.entry) {
      const url = new URL(target.url);
      guard.checkLiteral(url);
      await guard.precheck(url);
    }
    if (sha256 && target.expectedSha256 && sha256.toLowerCase() !== target.expectedSha256) {
      throw errors.validation('sha256 differs from the catalogue pin for this model', 'sha256');
    }
    return target;
  };

  /** What a retry fetches: its catalogue id resolved in the current catalogue, else its own URL. */
  const retryTarget = async (row: ModelDownloadRow) => {
    if (row.catalog_id === null) return resolveTarget(row.url, row.expected_sha256 ?? undefined);
    const entry = catalog.find(row.catalog_id);
    if (!entry) {
      throw errors.conflict(
        `The catalogue no longer has '${row.catalog_id}' (MODEL_CATALOG_FILE changed); dismiss this download and pull another model`,
      );
    }
    return resolvePullTarget(entry.name, catalog);
  };

  /**
   * Claims the file synchronously, so two requests in the same moment cannot both write one .part
   * file, then records the pull (`record`) and runs it in the background.
   */
  const launch = async (
    target: PullTarget,
    principal: Principal,
    record: () => Promise<ModelDownloadRow>,
  ) => {
    if (activeFiles.has(target.fileName)) throw errors.conflict(`${target.fileName} is already downloading`);
    activeFiles.add(target.fileName);
    let row: ModelDownloadRow;
    try {
      if (await downloads.findRunning(target.fileName))
        throw errors.conflict(`${target.fileName} is already downloading`);
      row = await record();
    } catch (error) {
      activeFiles.delete(target.fileName);
      throw error;
    }
    const controller = new AbortController();
    running.set(row.id, { controller, done: run(row, controller, target, principal) });
    return presentDownload(row);
  };

  const requireDownload = async (id: string) => {
    const row = await downloads.findById(id);
    if (!row) throw errors.notFound('Download');
    return row;
  };

  const loadIfNoneLoaded = async (principal: Principal, name: string, downloadId: string) => {
    // The file is downloaded and registered either way; a model that will not load is the log's news.
    await registry
      .loadIfNoneLoaded(principal, name)
      .catch((error: unknown) =>
        dependencies.log?.('pulled model not loaded', { download: downloadId, error }),
      );
  };

  return {
    /** Starts a pull by catalogue name or URL; answers at once with the download to follow. */
    start: async (principal: Principal, nameOrUrl: string, sha256?: string) => {
      await policy.authorize(principal, 'model.pull');
      const target = await resolveTarget(nameOrUrl, sha256);
      return launch(target, principal, () =>
        downloads.insert({
          id: crypto.randomUUID(),
          name: target.entry?.name ?? target.fileName.replace(/\.gguf$/i, ''),
          url: target.url,
          file_name: target.fileName,
          expected_sha256: sha256?.toLowerCase() ?? target.expectedSha256 ?? null,
          status: 'downloading',
          bytes_done: 0,
          bytes_total: target.entry?.sizeBytes ?? null,
          error: null,
          model_id: null,
          created_by: principal.user.id,
          created_at: nowIso(),
          updated_at: nowIso(),
          dismissed_at: null,
          // Only a pull by id is retried by id: a URL someone typed stays that URL.
          catalog_id: nameOrUrl.includes('://') ? null : (target.entry?.name ?? null),
        }),
      );
    },
    /**
     * Runs a failed pull again on the same row, resuming its partial file. A pull by catalogue id is
     * resolved again in the catalogue as configured now (MODEL_HUB_URL, MODEL_CATALOG_FILE: the offline
     * message tells the admin to point it at a mirror); a pull by URL fetches that URL again, its
     * address checked again (MODEL_PULL_ALLOWED_HOSTS may have changed since).
     */
    retry: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'model.pull');
      const row = await requireDownload(id);
      if (row.status !== 'failed') throw errors.conflict('Only a failed download can be retried');
      const target = await retryTarget(row);
      const source = {
        url: target.url,
        file_name: target.fileName,
        // A catalogue pull takes the current pin (the organisation may have replaced the entry).
        expected_sha256: row.catalog_id ? (target.expectedSha256 ?? null) : row.expected_sha256,
        bytes_total: target.entry?.sizeBytes ?? row.bytes_total,
      };
      return launch(target, principal, async () => {
        if (!(await downloads.restart(row.id, nowIso(), source)))
          throw errors.conflict('Only a failed download can be retried');
        return requireDownload(row.id);
      });
    },
    /** Hides a finished (usually failed) download from the list for good; the row stays on record. */
    dismiss: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'model.pull');
      await requireDownload(id);
      if (!(await downloads.dismiss(id, nowIso())))
        throw errors.conflict('A running download cannot be dismissed');
      return presentDownload(await requireDownload(id));
    },
    /** One download. */
    get: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'model.downloads.read');
      return presentDownload(await requireDownload(id));
    },
    /** Recent downloads, without the dismissed ones. */
    list: async (principal: Principal) => {
      await policy.authorize(principal, 'model.downloads.read');
      return (await downloads.list()).map(presentDownload);
    },
    /**
     * At start: downloads a previous process was running can no longer finish by themselves.
     * (With several replicas this needs an owner and a heartbeat per download; single process today.)
     */
    recoverInterrupted: () => downloads.failRunning(INTERRUPTED.restart, nowIso()),
    /** Stops running downloads (their partial files stay for a later resume). */
    stopAll: async () => {
      for (const { controller } of running.values())
        controller.abort(new AppError('DOWNLOAD_FAILED', 'shutdown'));
      await Promise.all([...running.values()].map((entry) => entry.done));
    },
  };
}

/** The downloads service's shape. */
export type ModelDownloadsService = ReturnType<typeof createModelDownloadsService>;
