/**
 * Every environment variable PrivateStack reads, documented beside its parser.
 * This file and config.ts are the only places that know variable names.
 */
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { parseCatalogFile, type CatalogFile } from './catalog-file.js';

/** Parses one raw string; throws an Error whose message says what was expected. */
type Parser<T> = (raw: string) => T;

/** One environment variable: its default, how to parse it, and what it means. */
export interface VariableSpec<T> {
  readonly name: string;
  readonly description: string;
  readonly default: T;
  readonly parse: Parser<T>;
}

const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max)
      throw new Error(`expected an integer from ${min} to ${max}, got ${value}`);
    return value;
  };

const decimal =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`expected a number, got "${raw}"`);
    if (value < min || value > max) throw new Error(`expected a number from ${min} to ${max}, got ${value}`);
    return value;
  };

const boolean: Parser<boolean> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new Error(`expected true or false, got "${raw}"`);
};

const text: Parser<string> = (raw) => raw;

const optionalText: Parser<string | undefined> = (raw) => (raw.trim() === '' ? undefined : raw);

const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    const value = raw.trim().toLowerCase();
    const match = values.find((candidate) => candidate === value);
    if (match === undefined) throw new Error(`expected one of ${values.join(', ')}, got "${raw}"`);
    return match;
  };

/** A list separated by commas or whitespace, empty items dropped. */
const splitList = (raw: string): string[] => raw.split(/[\s,]+/).filter((item) => item !== '');

/** Host allow-list entries: `name`, `name:port`, an IP address, `[IPv6]:port`, or a CIDR range. */
const hostList: Parser<readonly string[]> = (raw) =>
  splitList(raw.toLowerCase()).map((entry) => {
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry)) throw new Error(`"${entry}" is not a valid CIDR range`);
      return entry;
    }
    if (ipaddr.isValid(entry)) return entry;
    let url: URL | undefined;
    try {
      url = new URL(`http://${entry}`);
    } catch {
      // reported below
    }
    if (!url || url.pathname !== '/' || url.username !== '' || url.search !== '' || url.hash !== '')
      throw new Error(`"${entry}" is not a host name, host:port, IP address or CIDR range`);
    return entry;
  });

/** Directories separated by commas or colons, each made absolute. */
const directoryList: Parser<readonly string[]> = (raw) =>
  raw
    .split(/[,:]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => path.resolve(item));

/** An http(s) base URL without query or fragment (a path prefix is kept: artifact proxies use one); no trailing slash. */
const baseUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`expected an http(s) URL, got "${raw}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '' || url.username)
    throw new Error(`expected an http(s) URL without credentials, query or fragment, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const logLevel: Parser<(typeof LOG_LEVELS)[number]> = (raw) =>
  oneOf(...LOG_LEVELS)(raw.trim().toLowerCase() === 'warning' ? 'warn' : raw);

const spec = <T>(name: string, defaultValue: T, parse: Parser<T>, description: string): VariableSpec<T> => ({
  name,
  default: defaultValue,
  parse,
  description,
});

/** The variables, grouped as the frozen Config is. */
export const variables = {
  server: {
    host: spec('HOST', '127.0.0.1', text, 'Address the HTTP server binds to.'),
    port: spec('PORT', 8000, integer(0, 65535), 'HTTP port.'),
    bodyLimitBytes: spec(
      'BODY_LIMIT_BYTES',
      1_048_576,
      integer(1024, 1_073_741_824),
      'Largest accepted JSON request body; larger bodies get 413.',
    ),
    logLevel: spec('LOG_LEVEL', 'info', logLevel, 'pino log level.'),
    logFormat: spec(
      'LOG_FORMAT',
      'auto',
      oneOf('auto', 'json', 'pretty'),
      'Log lines: `json` (one object per line, for machines) or `pretty` (for people); `auto`: pretty when stdout is a terminal, else json.',
    ),
    trustProxy: spec(
      'TRUST_PROXY',
      false,
      boolean,
      'Behind a reverse proxy: take the client address and protocol from X-Forwarded-For/-Proto (login limits are per address; the refresh cookie is Secure over HTTPS).',
    ),
    corsOrigins: spec('CORS_ORIGINS', undefined, optionalText, 'Comma-separated origins allowed by CORS.'),
  },
  storage: {
    dataDir: spec('DATA_DIR', './data', text, 'Directory for the database, secrets, models and files.'),
    databaseUrl: spec(
      'DATABASE_URL',
      undefined,
      optionalText,
      'Database location: a SQLite file path (default DATA_DIR/privatestack.db) or a postgres:// URL.',
    ),
    redisUrl: spec(
      'REDIS_URL',
      undefined,
      optionalText,
      'Redis URL for scale-out (not used yet; everything is in process).',
    ),
  },
  auth: {
    jwtSecret: spec(
      'JWT_SECRET_KEY',
      undefined,
      optionalText,
      'HS256 signing secret (32+ chars). Unset: generated once and kept in DATA_DIR/jwt-secret.',
    ),
    sessionHours: spec(
      'JWT_EXPIRATION_HOURS',
      24,
      integer(1, 24 * 365),
      'How long a login session (its refresh token) lives, in hours.',
    ),
    accessTokenMinutes: spec(
      'JWT_ACCESS_MINUTES',
      15,
      integer(1, 24 * 60),
      'Lifetime of a short-lived access JWT, in minutes.',
    ),
    registrationEnabled: spec(
      'REGISTRATION_ENABLED',
      false,
      boolean,
      'Allow self-registration (new accounts get the user role). Off: only admins create accounts.',
    ),
    adminEmail: spec('ADMIN_EMAIL', 'admin@localhost', text, 'E-mail of the admin created on first run.'),
    adminPassword: spec(
      'ADMIN_PASSWORD',
      undefined,
      optionalText,
      'Password of the first-run admin. Unset: a random one is printed once and saved 0600 in DATA_DIR.',
    ),
    loginAttemptsPerAccount: spec(
      'LOGIN_ATTEMPTS_PER_ACCOUNT',
      5,
      integer(1, 10_000),
      'Failed logins per account (e-mail and username share it) in 15 minutes from devices without its device cookie; each device cookie has its own.',
    ),
    loginAttemptsPerIp: spec(
      'LOGIN_ATTEMPTS_PER_IP',
      30,
      integer(1, 100_000),
      'Failed logins allowed per client IP (IPv6: per /64) in 15 minutes, across all accounts.',
    ),
    loginBackoffAfter: spec(
      'LOGIN_BACKOFF_AFTER',
      5,
      integer(0, 10_000),
      'Failed logins a client IP may make before each further one must wait (429 + Retry-After); forgotten 24 h after the last.',
    ),
    loginBackoffBaseSeconds: spec(
      'LOGIN_BACKOFF_BASE_SECONDS',
      1,
      integer(1, 3600),
      'Wait after the first failure beyond LOGIN_BACKOFF_AFTER, in seconds; it doubles with each further one.',
    ),
    loginBackoffMaxSeconds: spec(
      'LOGIN_BACKOFF_MAX_SECONDS',
      900,
      integer(1, 86_400),
      'Longest wait between login attempts of a failing client IP, in seconds.',
    ),
  },
  model: {
    path: spec(
      'MODEL_PATH',
      undefined,
      optionalText,
      'GGUF file to load at start (else the registry active model).',
    ),
    modelsDir: spec(
      'MODELS_DIR',
      undefined,
      optionalText,
      'Where pulled models live (default DATA_DIR/models).',
    ),
    contextLength: spec(
      'MODEL_CONTEXT_LENGTH',
      4096,
      integer(256, 1_048_576),
      'Context window per sequence.',
    ),
    threads: spec('MODEL_THREADS', 0, integer(0, 1024), 'CPU threads for inference (0 = one per core).'),
    temperature: spec('MODEL_TEMPERATURE', 0.3, decimal(0, 2), 'Default sampling temperature.'),
    topP: spec('MODEL_TOP_P', 0.9, decimal(0, 1), 'Default nucleus sampling top_p.'),
    maxTokens: spec('MODEL_MAX_TOKENS', 1024, integer(1, 1_048_576), 'Default cap on generated tokens.'),
    maxTokensLimit: spec(
      'MODEL_MAX_TOKENS_LIMIT',
      8192,
      integer(1, 1_048_576),
      'Most tokens one answer may generate, whatever max_tokens asks; never more than the context ' +
        'left after the prompt either.',
    ),
    maxConcurrentPerUser: spec(
      'MODEL_MAX_CONCURRENT_PER_USER',
      2,
      integer(1, 10_000),
      'Generations one user may have running or waiting at once; beyond it the API answers 429 at once.',
    ),
    parallelSequences: spec(
      'MODEL_PARALLEL',
      4,
      integer(1, 64),
      'Conversations decoded together in one batch by the one loaded model.',
    ),
    queueLimit: spec(
      'MODEL_QUEUE_LIMIT',
      16,
      integer(0, 10_000),
      'Requests allowed to wait for a free sequence; beyond it the API answers 503 with Retry-After.',
    ),
    useMmap: spec('MODEL_USE_MMAP', false, boolean, 'Map the model file instead of reading it into memory.'),
  },
  modelSources: {
    hubUrl: spec(
      'MODEL_HUB_URL',
      'https://huggingface.co',
      baseUrl,
      'Catalogue downloads come from `<this>/<repo>/resolve/<revision>/<file>`: Hugging Face, a mirror or ' +
        'an artifact proxy (trusted even on an internal address).',
    ),
    catalogFile: spec<CatalogFile | undefined>(
      'MODEL_CATALOG_FILE',
      undefined,
      (raw) => (raw.trim() === '' ? undefined : parseCatalogFile(raw)),
      'JSON file of your own catalogue entries (e.g. the models approved on your mirror), added or ' +
        'replacing by id; checked at start. Format: docs/models.md.',
    ),
    pullAllowedHosts: spec<readonly string[]>(
      'MODEL_PULL_ALLOWED_HOSTS',
      [],
      hostList,
      'Non-public hosts POST /models/pull may still reach, comma-separated: name, name:port, IP, [IPv6]:port or CIDR (e.g. an internal mirror).',
    ),
    pullMaxGb: spec(
      'MODEL_PULL_MAX_GB',
      20,
      decimal(0.000001, 1024),
      'Largest file a pull of a URL outside the catalogue may download, in GiB (catalogue models: their own size).',
    ),
    importDirs: spec<readonly string[]>(
      'MODEL_IMPORT_DIRS',
      [],
      directoryList,
      'Directories (comma- or colon-separated) besides MODELS_DIR whose GGUF files POST /models may register.',
    ),
  },
  retrieval: {
    embeddingsModel: spec(
      'EMBEDDINGS_MODEL',
      undefined,
      optionalText,
      'Embedding model for the knowledge base: a catalog id or .gguf path (local), or "remote:<model>" ' +
        'with EMBEDDINGS_BASE_URL. Unset: keyword search only.',
    ),
    embeddingsBaseUrl: spec(
      'EMBEDDINGS_BASE_URL',
      undefined,
      optionalText,
      'OpenAI-compatible server for remote embeddings (e.g. http://10.0.0.5:8080/v1).',
    ),
    embeddingsApiKey: spec(
      'EMBEDDINGS_API_KEY',
      undefined,
      optionalText,
      'Bearer key for EMBEDDINGS_BASE_URL, if it needs one.',
    ),
    embeddingsBatchSize: spec(
      'EMBEDDINGS_BATCH_SIZE',
      32,
      integer(1, 2048),
      'Texts embedded per batch (one request to a remote server).',
    ),
    chunkSize: spec('CHUNK_SIZE', 512, integer(64, 32_768), 'Tokens per document chunk.'),
    chunkOverlap: spec('CHUNK_OVERLAP', 50, integer(0, 8192), 'Tokens shared by neighbouring chunks.'),
    topK: spec('RAG_TOP_K', 5, integer(1, 20), 'Chunks retrieved for an answer by default (at most 20).'),
    defaultMode: spec(
      'RAG_DEFAULT_MODE',
      'off',
      oneOf('off', 'auto', 'always'),
      'Knowledge use in chat when a request names neither rag_mode nor use_rag: off, auto (the model ' +
        'decides to search) or always.',
    ),
    similarityThreshold: spec(
      'RAG_SIMILARITY_THRESHOLD',
      0,
      decimal(0, 1),
      'Default minimum vector similarity (cosine) for a vector hit to count; 0 keeps all.',
    ),
  },
  documents: {
    maxUploadMb: spec('MAX_UPLOAD_MB', 50, integer(1, 10_240), 'Largest accepted upload, in MiB.'),
    maxUncompressedMb: spec(
      'MAX_UNCOMPRESSED_MB',
      200,
      integer(1, 102_400),
      'DOCX/XLSX: most bytes all entries may inflate to (checked while inflating).',
    ),
    maxArchiveEntries: spec(
      'MAX_ARCHIVE_ENTRIES',
      5000,
      integer(1, 1_000_000),
      'DOCX/XLSX: most entries in the ZIP container.',
    ),
    maxCompressionRatio: spec(
      'MAX_COMPRESSION_RATIO',
      100,
      integer(2, 100_000),
      'DOCX/XLSX: largest inflated/compressed ratio of an entry (zip-bomb guard).',
    ),
    maxPdfPages: spec('MAX_PDF_PAGES', 2000, integer(1, 1_000_000), 'PDFs with more pages are rejected.'),
    extractionTimeoutSeconds: spec(
      'EXTRACTION_TIMEOUT_SECONDS',
      120,
      integer(1, 86_400),
      'Text extraction of one file is stopped after this long and the file marked FAILED.',
    ),
    extractionMemoryMb: spec(
      'EXTRACTION_MEMORY_MB',
      512,
      integer(32, 65_536),
      'Heap cap of the extraction child process; its kernel data limit is 2× this + 128 MiB, its RSS ' +
        'watchdog 64 MiB more. A file that needs more is marked FAILED.',
    ),
    maxExtractedChars: spec(
      'MAX_EXTRACTED_CHARS',
      20_000_000,
      integer(1000, 1_000_000_000),
      'Most characters of text one file may yield; a file with more is marked FAILED.',
    ),
    extractionConcurrency: spec(
      'EXTRACTION_CONCURRENCY',
      1,
      integer(1, 64),
      'Sandboxed parser processes (text extraction) running at once per server process.',
    ),
    jobLeaseSeconds: spec(
      'JOB_LEASE_SECONDS',
      30,
      integer(2, 86_400),
      'How long a background job is held without a heartbeat before another worker may take it over.',
    ),
  },
  cache: {
    enabled: spec(
      'CACHE_ENABLED',
      true,
      boolean,
      'Cache identical deterministic answers (response cache: not active yet).',
    ),
    maxSize: spec('CACHE_MAX_SIZE', 100, integer(0, 10_000_000), 'Most cached answers.'),
    ttlSeconds: spec('CACHE_TTL_SECONDS', 3600, integer(1, 31_536_000), 'How long a cached answer lives.'),
  },
  limits: {
    perMinute: spec(
      'RATE_LIMIT_PER_MINUTE',
      20,
      integer(1, 1_000_000),
      'Generating requests (chat, stream, session message, regenerate, WebSocket message) per user per ' +
        'minute; beyond it 429 with Retry-After and RateLimit-* headers.',
    ),
    perHour: spec(
      'RATE_LIMIT_PER_HOUR',
      200,
      integer(1, 100_000_000),
      'Generating requests per user per hour; beyond it 429 with Retry-After and RateLimit-* headers.',
    ),
  },
  metrics: {
    prometheusEnabled: spec(
      'PROMETHEUS_ENABLED',
      true,
      boolean,
      'Serve Prometheus metrics at /metrics (not served yet).',
    ),
    token: spec(
      'METRICS_TOKEN',
      undefined,
      optionalText,
      'Bearer token for the full /health report (model, memory, version, uptime); unset: admins only, others get the status.',
    ),
  },
} as const;
