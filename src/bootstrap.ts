import { mkdirSync } from 'node:fs';
import type { Config } from './config/config.js';
import { openSqliteDatabase, type DatabaseHandle } from './db/database.js';
import { ensureAdmin, ensureJwtSecret, type AdminBootstrapResult } from './modules/auth/bootstrap.js';
import { LocalEngine } from './providers/llm/local/local-engine.js';
import { startKnowledge, type KnowledgeRuntime } from './knowledge-runtime.js';
import { createServices, type Services } from './services.js';

/** Running services plus how to stop them. */
export interface Runtime {
  readonly services: Services;
  readonly admin: AdminBootstrapResult;
  /** Why the configured model could not be loaded, when it could not. */
  readonly modelError?: string;
  /** Embedding model and the ingestion worker. */
  readonly knowledge: KnowledgeRuntime;
  close(): Promise<void>;
}

/** Options for startRuntime. */
export interface StartOptions {
  /** Load the model at start (the CLI's user commands skip it). */
  readonly loadModel?: boolean;
  /** Run background jobs (document ingestion) in this process; default: when the model is loaded. */
  readonly background?: boolean;
  /** Where startup warnings go. */
  readonly log?: (message: string) => void;
  /**
   * While no model is loaded, load the one the command line makes active (the server: `serve`),
   * reporting through this log (the server's logger, so JSON logs carry it as an entry).
   */
  readonly followActiveModel?: ModelFollowLog;
}

/** Where the server reports a model it loaded (or failed to load) because the CLI made it active. */
export interface ModelFollowLog {
  /** A model was loaded. */
  info(message: string): void;
  /** The active model could not be loaded. */
  error(message: string): void;
}

/** Opens the database, prepares secrets and the first admin, and loads the model: everything but HTTP. */
export async function startRuntime(config: Config, options: StartOptions = {}): Promise<Runtime> {
  mkdirSync(config.storage.dataDir, { recursive: true, mode: 0o700 });
  const database = await openDatabase(config);
  const engine = new LocalEngine({
    contextSize: config.model.contextLength,
    parallelSequences: config.model.parallelSequences,
    queueLimit: config.model.queueLimit,
    threads: config.model.threads,
    useMmap: config.model.useMmap,
    defaults: {
      temperature: config.model.temperature,
      topP: config.model.topP,
      maxTokens: config.model.maxTokens,
    },
    maxTokensLimit: config.model.maxTokensLimit,
  });
  try {
    const services = createServices(config, {
      database,
      engine,
      jwtSecret: ensureJwtSecret(config.storage.dataDir, config.auth.jwtSecret),
    });
    await services.prompts.ensureDefault();
    await services.modelDownloads.recoverInterrupted();
    const admin = await ensureAdmin({
      users: services.repositories.users,
      usersService: services.users,
      dataDir: config.storage.dataDir,
      email: config.auth.adminEmail,
      password: config.auth.adminPassword,
    });
    let modelError: string | undefined;
    if (options.loadModel !== false) {
      const startup = await services.modelRegistry.startupModel(config.model.path);
      // A missing or broken model must not keep accounts, history and the admin API offline:
      // start degraded and say why (health shows it; chat answers MODEL_NOT_LOADED).
      if (startup) {
        await engine.load(startup.filePath, startup.name).catch((error: unknown) => {
          // The engine's MODEL_ERROR already names the file; anything else gets it here.
          const message = error instanceof Error ? error.message : 'unknown error';
          modelError = message.startsWith('Could not load model')
            ? message
            : `Could not load model ${startup.filePath}: ${message}`;
        });
      }
    }
    const knowledge = await startKnowledge(config, services, {
      background: options.background ?? options.loadModel !== false,
      log: options.log,
    });
    // MODEL_PATH pins the model instead.
    const follow = options.followActiveModel;
    const stopFollowing =
      follow && options.loadModel !== false && !config.model.path
        ? followActiveModel(services, follow)
        : () => undefined;
    return {
      services,
      admin,
      modelError,
      knowledge,
      close: async () => {
        stopFollowing();
        await knowledge.close();
        await services.modelDownloads.stopAll();
        await engine.dispose();
        await database.close();
      },
    };
  } catch (error) {
    await engine.dispose();
    await database.close();
    throw error;
  }
}

/** How often a server without a model looks for one made active on the command line. */
const ACTIVE_MODEL_POLL_MS = 2000;

/**
 * While no model is loaded, loads the one `npx privatestack models add|pull|use` marks active in the
 * database (another process): an offline install needs no restart. One cheap query per tick, and
 * only while idle; state lives in the database, so every replica follows it alike.
 */
function followActiveModel(services: Services, log: ModelFollowLog): () => void {
  const timer = setInterval(() => {
    void services.modelRegistry.loadActiveIfIdle().then(
      (name) => name && log.info(`Model ${name} loaded (made active from the command line)`),
      (error: unknown) =>
        log.error(
          `Could not load the active model: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }, ACTIVE_MODEL_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The one-time notice for a generated first-run admin password, or undefined when there is none. */
export function adminNotice(admin: AdminBootstrapResult): string | undefined {
  if (!admin.created || !admin.generatedPassword) return undefined;
  return (
    `\n  First run: created admin ${admin.email} (username: admin)\n  Temporary password: ${admin.generatedPassword}\n` +
    `  (also saved to ${admin.passwordFile}; you must change it at first login)\n\n`
  );
}

async function openDatabase(config: Config): Promise<DatabaseHandle> {
  if (!config.storage.sqlitePath) {
    throw new Error(
      'DATABASE_URL: PostgreSQL support arrives with the scale-out work; use a SQLite path for now',
    );
  }
  return openSqliteDatabase(config.storage.sqlitePath);
}
