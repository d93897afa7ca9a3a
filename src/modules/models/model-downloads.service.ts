import { AppError, errors } from '../../shared/errors.js';
import type { ModelDownloadRepository, ModelDownloadRow } from './model-download.repository.js';
import { downloadModel, resolvePullTarget } from './model-download.js';
import type { ModelRegistry } from './model-registry.service.js';

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
    model_id: row.model_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const PROGRESS_INTERVAL_MS = 1000;

/**
 * Model pulls started from the admin API: resolved like `privatestack models pull`, downloaded in the
 * background (resumable, sha256-verified), progress kept in the database, registered when done.
 */
export function createModelDownloadsService(dependencies: {
  downloads: ModelDownloadRepository;
  registry: ModelRegistry;
  modelsDir: string;
  clock: () => Date;
  download?: typeof downloadModel;
}) {
  const { downloads, registry, modelsDir, clock } = dependencies;
  const download = dependencies.download ?? downloadModel;
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const activeFiles = new Set<string>();
  const nowIso = () => clock().toISOString();

  const run = async (row: ModelDownloadRow, controller: AbortController, kind: 'chat' | 'embedding') => {
    let lastWrite = 0;
    try {
      const result = await download({
        url: row.url,
        destinationDir: modelsDir,
        fileName: row.file_name,
        expectedSha256: row.expected_sha256 ?? undefined,
        signal: controller.signal,
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
        kind,
      });
      await downloads.update(row.id, {
        status: 'completed',
        bytes_done: result.sizeBytes,
        bytes_total: result.sizeBytes,
        model_id: model.id,
        updated_at: nowIso(),
      });
    } catch (error) {
      const message = controller.signal.aborted
        ? 'Interrupted by a shutdown; pull again to resume'
        : error instanceof Error
          ? error.message
          : 'Download failed';
      await downloads
        .update(row.id, { status: 'failed', error: message, updated_at: nowIso() })
        .catch(() => undefined);
    } finally {
      running.delete(row.id);
      activeFiles.delete(row.file_name);
    }
  };

  return {
    /** Starts a pull by catalogue name or URL; answers at once with the download to follow. */
    start: async (actorId: string, nameOrUrl: string, sha256?: string) => {
      const target = resolvePullTarget(nameOrUrl);
      if (sha256 && target.expectedSha256 && sha256.toLowerCase() !== target.expectedSha256) {
        throw errors.validation('sha256 differs from the catalogue pin for this model', 'sha256');
      }
      // Claimed synchronously, so two requests in the same moment cannot both write one .part file.
      if (activeFiles.has(target.fileName))
        throw errors.conflict(`${target.fileName} is already downloading`);
      activeFiles.add(target.fileName);
      let row: ModelDownloadRow;
      try {
        if (await downloads.findRunning(target.fileName))
          throw errors.conflict(`${target.fileName} is already downloading`);
        row = await downloads.insert({
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
          created_by: actorId,
          created_at: nowIso(),
          updated_at: nowIso(),
        });
      } catch (error) {
        activeFiles.delete(target.fileName);
        throw error;
      }
      const controller = new AbortController();
      running.set(row.id, { controller, done: run(row, controller, target.entry?.kind ?? 'chat') });
      return presentDownload(row);
    },
    /** One download. */
    get: async (id: string) => {
      const row = await downloads.findById(id);
      if (!row) throw errors.notFound('Download');
      return presentDownload(row);
    },
    /** Recent downloads. */
    list: async () => (await downloads.list()).map(presentDownload),
    /**
     * At start: downloads a previous process was running can no longer finish by themselves.
     * (With several replicas this needs an owner and a heartbeat per download; single process today.)
     */
    recoverInterrupted: () =>
      downloads.failRunning('Interrupted by a restart; pull again to resume', nowIso()),
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
