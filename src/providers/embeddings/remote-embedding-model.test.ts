import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { createRemoteEmbeddingModel, embeddingsUrl } from './remote-embedding-model.js';
import { appErrorOf } from '../../../test/helpers/errors.js';

const API_KEY = 'sk-test-0123456789abcdef5678';
const DIMENSIONS = 8;

interface Recorded {
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: { model: string; input: string[]; encoding_format?: string };
}

type Handler = (request: Recorded, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let requests: Recorded[];
/** Answers queued for the next requests; when empty, the OpenAI-shaped success answer. */
let script: Handler[];

/** A deterministic, un-normalised vector for a text, so tests can check which vector is which. */
function fakeVector(text: string, dimensions = DIMENSIONS): number[] {
  return Array.from(
    { length: dimensions },
    (_, i) => ((text.charCodeAt(i % text.length) * (i + 1)) % 97) + 1,
  );
}

/** The body OpenAI's POST /v1/embeddings returns (encoding_format "float"), data in `order`. */
function openAiBody(input: string[], model: string, order = input.map((_, i) => i), dimensions = DIMENSIONS) {
  return {
    object: 'list',
    data: order.map((index) => ({
      object: 'embedding',
      index,
      embedding: fakeVector(input[index]!, dimensions),
    })),
    model,
    usage: { prompt_tokens: input.length * 3, total_tokens: input.length * 3 },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const success: Handler = (request, res) =>
  sendJson(res, 200, openAiBody(request.body.input, request.body.model));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const recorded: Recorded = {
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(raw),
      };
      requests.push(recorded);
      (script.shift() ?? success)(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  requests = [];
  script = [];
});

const create = (extra: Partial<Parameters<typeof createRemoteEmbeddingModel>[0]> = {}) =>
  createRemoteEmbeddingModel({
    baseUrl,
    model: 'text-embedding-3-small',
    apiKey: API_KEY,
    batchSize: 4,
    ...extra,
  });

const norm = (vector: Float32Array) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

const failure = appErrorOf;

describe('remote embedding model against an OpenAI-compatible server', () => {
  it('probes the dimension at creation and sends model, float encoding and the bearer key', async () => {
    const model = await create();
    expect(model.dimensions).toBe(DIMENSIONS);
    expect(model.id).toBe('remote:text-embedding-3-small');
    expect(model.provider).toBe('remote');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/v1/embeddings');
    expect(requests[0]!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(requests[0]!.body).toMatchObject({ model: 'text-embedding-3-small', encoding_format: 'float' });
    expect(requests[0]!.body.input).toHaveLength(1);
  });

  it('batches by batchSize, keeps input order and L2-normalises', async () => {
    const model = await create();
    requests = [];
    const texts = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
    const vectors = await model.embed(texts);
    expect(requests.map((request) => request.body.input.length)).toEqual([4, 4, 2]);
    expect(requests.flatMap((request) => request.body.input)).toEqual(texts);
    for (const request of requests) {
      expect(request.body.model).toBe('text-embedding-3-small');
      expect(request.authorization).toBe(`Bearer ${API_KEY}`);
    }
    vectors.forEach((vector, i) => {
      expect(norm(vector)).toBeCloseTo(1, 5);
      const expected = fakeVector(texts[i]!);
      const length = Math.hypot(...expected);
      expected.forEach((value, k) => expect(vector[k]).toBeCloseTo(value / length, 6));
    });
  });

  it('orders answers by index when the server returns them out of order', async () => {
    const model = await create();
    script.push((request, res) =>
      sendJson(res, 200, openAiBody(request.body.input, request.body.model, [2, 0, 3, 1])),
    );
    const texts = ['alpha', 'bravo', 'charlie', 'delta'];
    const vectors = await model.embed(texts);
    const direct = await model.embed(texts);
    expect(vectors.map((v) => Array.from(v))).toEqual(direct.map((v) => Array.from(v)));
  });

  it('joins the path with or without a trailing slash and sends no key when none is set', async () => {
    expect(embeddingsUrl('http://h:8080/v1').href).toBe('http://h:8080/v1/embeddings');
    expect(embeddingsUrl('http://h:8080/v1/').href).toBe('http://h:8080/v1/embeddings');
    expect(() => embeddingsUrl('ftp://h/v1')).toThrow(AppError);
    await create({ baseUrl: `${baseUrl}/`, apiKey: undefined });
    expect(requests[0]!.url).toBe('/v1/embeddings');
    expect(requests[0]!.authorization).toBeUndefined();
  });

  it('retries a 500 and then succeeds', async () => {
    const model = await create();
    requests = [];
    script.push((_request, res) =>
      sendJson(res, 500, {
        error: { message: 'The server had an error', type: 'server_error', param: null, code: null },
      }),
    );
    const vectors = await model.embed(['hello']);
    expect(vectors).toHaveLength(1);
    expect(requests).toHaveLength(2);
  });

  it('honours Retry-After on 429 and gives up after two retries', async () => {
    const model = await create();
    requests = [];
    const limited =
      (retryAfter: string): Handler =>
      (_request, res) =>
        sendJson(
          res,
          429,
          {
            error: {
              message: 'Rate limit reached',
              type: 'requests',
              param: null,
              code: 'rate_limit_exceeded',
            },
          },
          { 'retry-after': retryAfter },
        );
    script.push(limited('1'), limited('0'), limited('0'));
    const started = performance.now();
    const error = await failure(model.embed(['hello']));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(error.code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Rate limit reached');
    expect(requests).toHaveLength(3);
  });

  it('reports a 401 with the server message but never the key', async () => {
    script.push((_request, res) =>
      sendJson(res, 401, {
        error: {
          message:
            'Incorrect API key provided: sk-test-********5678. You can find your API key at ' +
            'https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    );
    const error = await failure(create());
    expect(error.code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error.details)).not.toContain(API_KEY);
    expect(requests).toHaveLength(1);
  });

  it('scrubs the key even when a server echoes it in full', async () => {
    script.push((_request, res) => sendJson(res, 400, { error: { message: `bad key ${API_KEY}` } }));
    const error = await failure(create());
    expect(error.message).toContain('bad key ***');
    expect(error.message).not.toContain(API_KEY);
  });

  it('rejects vectors whose dimension changes after the probe', async () => {
    const model = await create();
    script.push((request, res) =>
      sendJson(res, 200, openAiBody(request.body.input, request.body.model, undefined, DIMENSIONS + 1)),
    );
    const error = await failure(model.embed(['hello']));
    expect(error.code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect(error.message).toContain(`expected ${DIMENSIONS}`);
  });

  it('rejects answers with non-finite values or a missing vector', async () => {
    const model = await create();
    script.push((request, res) => {
      const body = openAiBody(request.body.input, request.body.model);
      body.data[0]!.embedding = body.data[0]!.embedding.map(() => 'x' as unknown as number);
      sendJson(res, 200, body);
    });
    expect((await failure(model.embed(['hello']))).message).toContain('finite numbers');
    script.push((request, res) =>
      sendJson(res, 200, openAiBody(request.body.input, request.body.model, [0])),
    );
    expect((await failure(model.embed(['a', 'b']))).message).toContain('1 embeddings for 2 inputs');
  });

  it('stops when the caller aborts', async () => {
    const model = await create();
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(model.embed(['hello'], controller.signal)).rejects.toThrow('caller gave up');
  });

  it('stops a request in flight when the caller aborts, and detaches from the caller signal', async () => {
    const model = await create();
    script.push(() => undefined);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error('worker stopping')), 50);
    await expect(model.embed(['hello'], controller.signal)).rejects.toThrow('worker stopping');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('leaves nothing behind on a long-lived caller signal (like the job worker one) after many requests', async () => {
    const model = await create({ batchSize: 1 });
    const worker = new AbortController();
    for (let index = 0; index < 30; index++) await model.embed([`text ${index}`], worker.signal);
    expect(getEventListeners(worker.signal, 'abort')).toHaveLength(0);
    // Node's own record of signals derived from this one (AbortSignal.any); gone from Node's
    // internals means nothing is kept either.
    const dependants = Object.getOwnPropertySymbols(worker.signal).find(
      (symbol) => symbol.description === 'kDependantSignals',
    );
    const kept = dependants && (worker.signal as unknown as Record<symbol, Set<unknown>>)[dependants];
    expect(kept?.size ?? 0).toBe(0);
  });

  it('times out a server that does not answer', async () => {
    script.push(() => undefined);
    const error = await failure(create({ timeoutMs: 200 }));
    expect(error.code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect(error.message).toContain('200 ms');
  });

  it('fails with EMBEDDINGS_UNAVAILABLE when the server is down at creation', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const error = await failure(create({ baseUrl: `http://127.0.0.1:${port}/v1` }));
    expect(error.code).toBe('EMBEDDINGS_UNAVAILABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain(API_KEY);
  });
});
