import { pino } from 'pino';
import type { Config } from './config/config.js';
import type { DatabaseHandle } from './db/database.js';
import { createApiKeyRepository } from './modules/auth/api-key.repository.js';
import { createAuthSessionRepository } from './modules/auth/auth-session.repository.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { FIRST_ADMIN_USERNAME, forgetInitialPassword } from './modules/auth/bootstrap.js';
import { createDeviceTokens } from './modules/auth/device-tokens.js';
import { createTokenSigner } from './modules/auth/tokens.js';
import { createChatService } from './modules/chat/chat.service.js';
import { createConversationRepository } from './modules/chat/conversation.repository.js';
import { createModelRepository } from './modules/models/model.repository.js';
import { createModelRegistry } from './modules/models/model-registry.service.js';
import { createModelDownloadRepository } from './modules/models/model-download.repository.js';
import { createModelDownloadsService } from './modules/models/model-downloads.service.js';
import { createAddressGuard, hubAllowEntries } from './modules/models/pull-address-guard.js';
import { configuredCatalog, DEFAULT_MODEL_HUB_URL } from './modules/models/model-catalog.js';
import { createPromptRepository } from './modules/prompts/prompt.repository.js';
import { createPromptsService } from './modules/prompts/prompts.service.js';
import { createUserRepository } from './modules/users/user.repository.js';
import { createUsersService } from './modules/users/users.service.js';
import { createAccessRepository } from './modules/access/access.repository.js';
import { createPolicy, type Policy } from './modules/access/policy.js';
import { createWorkspaceRepository } from './modules/workspaces/workspace.repository.js';
import { createWorkspacesService } from './modules/workspaces/workspaces.service.js';
import type { LocalEngine } from './providers/llm/local/local-engine.js';
import type { EmbeddingModel } from './providers/embeddings/embedding-model.js';
import { createDocumentRepository } from './modules/documents/document.repository.js';
import { createDocumentsService } from './modules/documents/documents.service.js';
import { extractionLimitsFrom } from './modules/documents/extraction/extraction-runner.js';
import { createFileStore } from './modules/documents/file-store.js';
import { createIngestionHandlers } from './modules/documents/ingestion.js';
import { createJobRepository } from './modules/jobs/job.repository.js';
import { createUsageStatsRepository } from './modules/stats/usage-stats.repository.js';
import { createAdminStatsService } from './modules/stats/admin-stats.service.js';
import { createKnowledgeStatus } from './modules/retrieval/knowledge-status.js';
import { createRetrievalService, MAX_TOP_K } from './modules/retrieval/retrieval.service.js';
import { createSqliteRetrievalIndex } from './modules/retrieval/sqlite-retrieval-index.js';
import { createMemoryRateLimiter, type RateLimiter } from './providers/rate-limit/rate-limiter.js';
import {
  createMemoryConcurrencyLimiter,
  type ConcurrencyLimiter,
} from './providers/rate-limit/concurrency-limiter.js';
import { createAdmissionService } from './modules/inference/admission.service.js';
import { createInferenceGateway } from './modules/inference/inference.gateway.js';
import { createSandbox } from './providers/sandbox/sandboxed-process.js';
import { logDestination } from './shared/log-output.js';

/** Outside parts the services are built on; tests pass their own. */
export interface Dependencies {
  readonly database: DatabaseHandle;
  readonly engine: LocalEngine;
  readonly jwtSecret: string;
  readonly clock?: () => Date;
  readonly limiter?: RateLimiter;
  /** Generations in flight per user; a Redis implementation shares them across replicas. */
  readonly concurrency?: ConcurrencyLimiter;
}

/** The embedding model in use (set once loaded), what was configured, and why loading failed. */
export interface EmbeddingState {
  model: EmbeddingModel | undefined;
  readonly configured: string | undefined;
  error: string | undefined;
}

/** Builds every repository and service once: the composition root shared by HTTP and CLI. */
export function createServices(config: Config, dependencies: Dependencies) {
  const { database, engine } = dependencies;
  const db = database.db;
  const clock = dependencies.clock ?? (() => new Date());
  const limiter = dependencies.limiter ?? createMemoryRateLimiter();
  const repositories = {
    users: createUserRepository(db),
    sessions: createAuthSessionRepository(db),
    apiKeys: createApiKeyRepository(db),
    prompts: createPromptRepository(db),
    conversations: createConversationRepository(db),
    models: createModelRepository(db),
    modelDownloads: createModelDownloadRepository(db),
    workspaces: createWorkspaceRepository(db),
    documents: createDocumentRepository(db),
    jobs: createJobRepository(db),
    usageStats: createUsageStatsRepository(db),
    access: createAccessRepository(db),
  };
  // The one permission table's checks: the first line of every service method acting for a caller.
  const policy = createPolicy({ access: repositories.access });
  const users = createUsersService({
    users: repositories.users,
    sessions: repositories.sessions,
    apiKeys: repositories.apiKeys,
    policy,
    clock,
  });
  const auth = createAuthService({
    ...repositories,
    signer: createTokenSigner(dependencies.jwtSecret, config.auth.accessTokenMinutes * 60, clock),
    deviceTokens: createDeviceTokens(dependencies.jwtSecret, clock),
    limiter,
    limits: config.auth,
    policy,
    clock,
    onPasswordChanged: (username) => {
      if (username === FIRST_ADMIN_USERNAME) forgetInitialPassword(config.storage.dataDir);
    },
  });
  const prompts = createPromptsService({ prompts: repositories.prompts, policy, clock });
  const knowledge = createKnowledge(config, db, repositories, policy, clock);
  const admission = createAdmissionService({
    limiter,
    concurrency: dependencies.concurrency ?? createMemoryConcurrencyLimiter(),
    limits: {
      perMinute: config.limits.perMinute,
      perHour: config.limits.perHour,
      concurrentPerUser: config.model.maxConcurrentPerUser,
    },
  });
  const inference = createInferenceGateway({ model: engine, admission });
  const chat = createChatService({
    conversations: repositories.conversations,
    prompts,
    model: engine,
    inference,
    policy,
    clock,
    retrieval: knowledge.retrieval,
  });
  const { hubUrl, pullAllowedHosts } = config.modelSources;
  const catalog = configuredCatalog(config.modelSources);
  const modelRegistry = createModelRegistry({
    catalog,
    models: repositories.models,
    engine,
    policy,
    modelsDir: config.storage.modelsDir,
    importDirs: config.modelSources.importDirs,
    configuredPath: config.model.path,
    clock,
  });
  const pullLog = pino(
    { level: config.server.logLevel, name: 'model-pull' },
    logDestination(config.server.logFormat),
  );
  const modelDownloads = createModelDownloadsService({
    downloads: repositories.modelDownloads,
    registry: modelRegistry,
    policy,
    modelsDir: config.storage.modelsDir,
    clock,
    guard: createAddressGuard({ allowedHosts: pullAllowedHosts }),
    catalog,
    // The administrator's own hub is trusted configuration: reachable for catalogue pulls even when
    // it is an internal address (docs/security.md, "Model pulls").
    catalogGuard: createAddressGuard({
      allowedHosts: [...pullAllowedHosts, ...hubAllowEntries(hubUrl, DEFAULT_MODEL_HUB_URL)],
    }),
    maxPullBytes: Math.floor(config.modelSources.pullMaxGb * 1024 ** 3),
    log: (message, { error, ...details }) => pullLog.warn({ ...details, err: error }, message),
  });
  const workspaces = createWorkspacesService({
    workspaces: repositories.workspaces,
    users: repositories.users,
    policy,
    clock,
  });
  const adminStats = createAdminStatsService({ stats: repositories.usageStats, policy, clock });
  return {
    ...knowledge,
    config,
    database,
    engine,
    limiter,
    clock,
    repositories,
    users,
    auth,
    prompts,
    inference,
    chat,
    catalog,
    modelRegistry,
    modelDownloads,
    workspaces,
    adminStats,
    policy,
    startedAt: clock(),
  };
}

/** The knowledge base: file store, retrieval index, documents, search, ingestion job handlers. */
function createKnowledge(
  config: Config,
  db: DatabaseHandle['db'],
  repositories: {
    documents: ReturnType<typeof createDocumentRepository>;
    jobs: ReturnType<typeof createJobRepository>;
    workspaces: ReturnType<typeof createWorkspaceRepository>;
  },
  policy: Policy,
  clock: () => Date,
) {
  const embeddings: EmbeddingState = {
    model: undefined,
    configured: config.retrieval.embeddingsModel,
    error: undefined,
  };
  const index = createSqliteRetrievalIndex(db);
  const jobEvents = new EventTarget();
  const files = createFileStore(config.storage.filesDir);
  const documents = createDocumentsService({
    db,
    documents: repositories.documents,
    workspaces: repositories.workspaces,
    index,
    jobs: repositories.jobs,
    files,
    policy,
    clock,
    onQueued: () => jobEvents.dispatchEvent(new Event('queued')),
  });
  const defaults = { topK: config.retrieval.topK, similarityThreshold: config.retrieval.similarityThreshold };
  const retrieval = createRetrievalService({ index, policy, embeddings, defaults });
  const knowledgeStatus = createKnowledgeStatus({
    db,
    policy,
    index,
    documents: repositories.documents,
    embeddings,
    defaults: {
      ...defaults,
      maxTopK: MAX_TOP_K,
      chunkSize: config.retrieval.chunkSize,
      chunkOverlap: config.retrieval.chunkOverlap,
    },
  });
  const jobHandlers = createIngestionHandlers({
    db,
    documents: repositories.documents,
    index,
    files,
    embeddings,
    limits: extractionLimitsFrom(config),
    // One sandbox per process: every parser of user files shares its EXTRACTION_CONCURRENCY permits.
    sandbox: createSandbox({
      concurrency: config.documents.extractionConcurrency,
      onWarning: (message) => process.emitWarning(message),
    }),
    chunking: { chunkSize: config.retrieval.chunkSize, overlap: config.retrieval.chunkOverlap },
    clock,
  });
  return { embeddings, index, files, documents, retrieval, knowledgeStatus, jobHandlers, jobEvents };
}

/** Everything routes and commands can use. */
export type Services = ReturnType<typeof createServices>;
