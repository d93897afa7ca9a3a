import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../shared/errors.js';
import type { EmbeddingModel } from './embedding-model.js';
import { l2Normalise } from './l2-normalise.js';

/** How to reach an OpenAI-compatible embeddings server. */
export interface RemoteEmbeddingOptions {
  /** API root such as `http://10.0.0.5:8080/v1`; `/embeddings` is appended. */
  readonly baseUrl: string;
  /** Model name sent in every request. */
  readonly model: string;
  /** Sent as `Authorization: Bearer`; never logged or put in messages. */
  readonly apiKey?: string;
  /** Texts per request. */
  readonly batchSize: number;
  /** Limit for one HTTP request, in milliseconds (default 60 s). */
  readonly timeoutMs?: number;
  /** fetch implementation (tests); defaults to the global one. */
  readonly fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Retries after the first try for 429, 5xx and network failures. */
const RETRIES = 2;
const BASE_BACKOFF_MS = 250;
/** Longest wait before a retry, whatever Retry-After asks for. */
const MAX_BACKOFF_MS = 4_000;
const PROBE_TEXT = 'dimension probe';

/**
 * Connects to `POST {baseUrl}/embeddings` and probes the vector size with one tiny request.
 * Throws AppError EMBEDDINGS_UNAVAILABLE (with the server's message) when the probe fails.
 */
export async function createRemoteEmbeddingModel(options: RemoteEmbeddingOptions): Promise<EmbeddingModel> {
  const client = new RemoteClient(options, embeddingsUrl(options.baseUrl));
  const [probe] = await client.request([PROBE_TEXT], undefined);
  if (!probe || probe.length === 0) {
    throw unavailable(`${client.where} returned an empty vector for ${options.model}`, false);
  }
  return new RemoteEmbeddingModel(client, probe.length, Math.max(1, Math.floor(options.batchSize)));
}

/** `{baseUrl}/embeddings`, with or without a trailing slash on the base; VALIDATION_ERROR if not http(s). */
export function embeddingsUrl(baseUrl: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl.trim().endsWith('/') ? baseUrl.trim() : `${baseUrl.trim()}/`);
  } catch {
    throw new AppError('VALIDATION_ERROR', 'The embeddings base URL is not a valid http(s) URL');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new AppError('VALIDATION_ERROR', 'The embeddings base URL must start with http:// or https://');
  }
  return new URL('embeddings', base);
}

/** A model behind an OpenAI-compatible server: batches, validates and normalises its vectors. */
class RemoteEmbeddingModel implements EmbeddingModel {
  readonly provider = 'remote' as const;
  readonly id: string;

  constructor(
    private readonly client: RemoteClient,
    readonly dimensions: number,
    private readonly batchSize: number,
  ) {
    this.id = `remote:${client.model}`;
  }

  /** Embeds texts in order, `batchSize` per request; empty strings get a zero vector without a request. */
  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors = new Array<Float32Array>(texts.length);
    const pending: number[] = [];
    texts.forEach((text, i) => {
      if (text.length === 0) vectors[i] = new Float32Array(this.dimensions);
      else pending.push(i);
    });
    for (let start = 0; start < pending.length; start += this.batchSize) {
      signal?.throwIfAborted();
      const slots = pending.slice(start, start + this.batchSize);
      const raw = await this.client.request(
        slots.map((i) => texts[i]!),
        signal,
      );
      raw.forEach((values, k) => {
        if (values.length !== this.dimensions) {
          throw unavailable(
            `${this.client.where} returned a ${values.length}-dimension vector for ${this.client.model}, ` +
              `expected ${this.dimensions}`,
            false,
          );
        }
        vectors[slots[k]!] = l2Normalise(values);
      });
    }
    return vectors;
  }

  /** Nothing to free: connections belong to fetch's shared pool. */
  async dispose(): Promise<void> {}
}

/** One server and model: sends requests with timeout and retries, and checks the answers. */
class RemoteClient {
  readonly model: string;
  /** Host and port for messages (never the key, never userinfo). */
  readonly where: string;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly options: RemoteEmbeddingOptions,
    private readonly url: URL,
  ) {
    this.model = options.model;
    this.where = `Embeddings server ${url.host}`;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Raw vectors for `input`, in input order; retries 429, 5xx and network failures twice. */
  async request(input: readonly string[], signal: AbortSignal | undefined): Promise<number[][]> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(input, signal);
      if ('vectors' in outcome) return outcome.vectors;
      if (!outcome.error.retryable || attempt >= RETRIES) throw outcome.error;
      const wait = Math.min(outcome.retryAfterMs ?? BASE_BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS);
      await sleep(wait, undefined, { signal }).catch((error: unknown) => {
        throw signal?.aborted ? signal.reason : error;
      });
    }
  }

  private async attempt(
    input: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<{ vectors: number[][] } | { error: AppError; retryAfterMs?: number }> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const limit = attemptSignal(signal, timeoutMs);
    let response: Response;
    let body: string;
    try {
      response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.apiKey && { authorization: `Bearer ${this.options.apiKey}` }),
        },
        body: JSON.stringify({ model: this.model, input, encoding_format: 'float' }),
        signal: limit.signal,
      });
      body = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // A slow server is not hammered again at once: the caller decides whether to retry later.
      if (limit.timedOut())
        throw unavailable(`${this.where} did not answer within ${timeoutMs} ms`, true, error);
      return {
        error: unavailable(`${this.where} is unreachable: ${this.scrub(causeOf(error))}`, true, error),
      };
    } finally {
      limit.dispose();
    }
    const status = response.status;
    if (status >= 200 && status < 300) return { vectors: this.parse(body, input.length) };
    const message = `${this.where} answered HTTP ${status}: ${this.scrub(serverMessage(body))}`;
    const retryable = status === 429 || status >= 500;
    return {
      error: unavailable(message, retryable, undefined, status),
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    };
  }

  /** Checks the OpenAI list shape, one finite vector per input, and orders them by `index`. */
  private parse(body: string, count: number): number[][] {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw unavailable(`${this.where} answered with something that is not JSON`, true);
    }
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.length !== count) {
      throw unavailable(
        `${this.where} returned ${describeCount(data)} embeddings for ${count} inputs`,
        false,
      );
    }
    const vectors = new Array<number[] | undefined>(count);
    for (const item of data as unknown[]) {
      const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
        throw unavailable(`${this.where} returned an embedding with an invalid index`, false);
      }
      if (vectors[index]) throw unavailable(`${this.where} returned index ${index} twice`, false);
      if (!Array.isArray(embedding) || !embedding.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw unavailable(`${this.where} returned an embedding that is not a list of finite numbers`, false);
      }
      vectors[index] = embedding as number[];
    }
    const first = vectors[0]!.length;
    if (vectors.some((vector) => vector!.length !== first)) {
      throw unavailable(`${this.where} returned vectors of different dimensions in one answer`, false);
    }
    return vectors as number[][];
  }

  /** Removes the key from anything the server or network echoed back. */
  private scrub(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

/** The message of an OpenAI error body `{error: {message}}` (or `{error: "…"}`, `{message}`), else the text. */
function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown } | null;
    const error = json?.error;
    if (typeof error === 'string') return error;
    if (error && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    if (typeof json?.message === 'string') return json.message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const text = body.trim().replace(/\s+/g, ' ');
  if (text.length === 0) return 'no error message';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Retry-After as milliseconds (seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function describeCount(data: unknown): string {
  return Array.isArray(data) ? String(data.length) : 'no';
}

/** fetch wraps network failures as "fetch failed" with the real reason in `cause`. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function unavailable(
  message: string,
  retryable: boolean,
  cause?: unknown,
  upstreamStatus?: number,
): AppError {
  return new AppError('EMBEDDINGS_UNAVAILABLE', message, {
    retryable,
    cause,
    ...(upstreamStatus !== undefined && { details: { upstreamStatus } }),
  });
}

/**
 * The signal for one HTTP attempt: aborted by the caller's signal or after `ms`, and detached from
 * the caller's signal when the attempt ends. Not AbortSignal.any: ingestion passes the job worker's
 * signal, which lives as long as the process, and Node 20 keeps every AbortSignal.any result in a
 * long-lived source's dependant set for good (nodejs/node#55351), one entry per request.
 */
function attemptSignal(caller: AbortSignal | undefined, ms: number) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`No answer within ${ms} ms`, 'TimeoutError'));
  }, ms);
  const onAbort = () => controller.abort(caller?.reason);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
