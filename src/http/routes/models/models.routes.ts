import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authErrors, ErrorResponse, IdParams } from '../../../../contracts/common.contract.js';
import {
  CatalogModel,
  EngineState,
  ModelDownload,
  PullModelBody,
  RegisteredModel,
  RegisterModelBody,
} from '../../../../contracts/models.contract.js';
import { mayAlways } from '../../../modules/access/policy.js';
import type { Services } from '../../../services.js';

const tags = ['models'];

/** /api/v1/models: the registry, registration, switching the loaded model, removal. */
export const modelsRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { modelRegistry, modelDownloads, engine } = services;

  app.get(
    '/',
    {
      config: { action: 'model.list' },
      schema: {
        summary: 'List models and the engine state',
        description: '`file_path` and `source_url` are shown to admins only.',
        tags,
        response: {
          200: Type.Object({ models: Type.Array(RegisteredModel), engine: EngineState }),
          ...authErrors,
        },
      },
    },
    async (request) => {
      // Server file paths (here: the loaded model's) are for administrators only.
      const admin = mayAlways(request.principal, 'model.source-url.read');
      const models = await modelRegistry.list(request.principal);
      const state = presentEngine(engine.status());
      if (!admin && state.model) state.model.file_path = null;
      return { models, engine: state };
    },
  );

  app.get(
    '/catalog',
    {
      config: { action: 'model.catalog.read' },
      schema: {
        summary: 'List the model catalogue',
        description: 'Models `POST /models/pull` can download by name, with size and memory estimates.',
        tags,
        response: { 200: Type.Object({ models: Type.Array(CatalogModel) }), ...authErrors },
      },
    },
    async (request) => ({
      models: (await modelRegistry.catalog(request.principal)).map((entry) => ({
        name: entry.name,
        description: entry.description,
        kind: entry.kind,
        repository: entry.repository,
        file_name: entry.fileName,
        url: entry.url,
        quantization: entry.quantization,
        size_bytes: entry.sizeBytes,
        size_approximate: entry.sizeApproximate,
        context_length: entry.contextLength > 0 ? entry.contextLength : null,
        ram_estimate_mib: Math.round(entry.ramEstimateMiB),
        licence: entry.licence,
        reasoning: entry.reasoning,
        sha256: entry.sha256 ?? null,
        source: entry.source,
      })),
    }),
  );

  app.post(
    '/',
    {
      config: { action: 'model.register' },
      schema: {
        summary: 'Register a model file already on the server',
        description:
          '`file_path` must be a GGUF file under `MODELS_DIR` or a directory of `MODEL_IMPORT_DIRS`. From a shell on the server: `npx privatestack models add <file.gguf>`.',
        tags,
        body: RegisterModelBody,
        response: { 201: RegisteredModel, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await modelRegistry.importFile(request.principal, {
          name: request.body.name,
          filePath: request.body.file_path,
          kind: request.body.kind,
        }),
      ),
  );

  app.post(
    '/pull',
    {
      config: { action: 'model.pull' },
      schema: {
        summary: 'Download a model',
        description:
          '`name_or_url` is a catalogue name (downloaded from `MODEL_HUB_URL`, Hugging Face by default) or the URL of a `.gguf` file; private and internal hosts only when listed in `MODEL_PULL_ALLOWED_HOSTS`. Answers 202 at once; follow progress with `GET /models/downloads/{id}`. A finished download is registered; load it with `POST /models/{id}/load`.',
        tags,
        body: PullModelBody,
        response: { 202: ModelDownload, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await modelDownloads.start(request.principal, request.body.name_or_url, request.body.sha256)),
  );

  app.get(
    '/downloads',
    {
      config: { action: 'model.downloads.read' },
      schema: {
        summary: 'List model downloads',
        tags,
        response: { 200: Type.Object({ downloads: Type.Array(ModelDownload) }), ...authErrors },
      },
    },
    async (request) => ({
      downloads: await modelDownloads.list(request.principal),
    }),
  );

  app.get(
    '/downloads/:id',
    {
      config: { action: 'model.downloads.read' },
      schema: {
        summary: "Get a model download's progress",
        tags,
        params: IdParams,
        response: { 200: ModelDownload, ...authErrors },
      },
    },
    async (request) => modelDownloads.get(request.principal, request.params.id),
  );

  app.post(
    '/downloads/:id/retry',
    {
      config: { action: 'model.pull' },
      schema: {
        tags,
        summary: 'Retry a failed model pull (the same download, resuming its partial file)',
        params: IdParams,
        response: { 202: ModelDownload, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await modelDownloads.retry(request.principal, request.params.id)),
  );

  app.post(
    '/downloads/:id/dismiss',
    {
      config: { action: 'model.pull' },
      schema: {
        tags,
        summary: 'Dismiss a finished model pull: it leaves the downloads list for good',
        params: IdParams,
        response: { 200: ModelDownload, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => modelDownloads.dismiss(request.principal, request.params.id),
  );

  app.post(
    '/:id/load',
    {
      config: { action: 'model.load' },
      schema: {
        summary: 'Load a model',
        description: 'Loads the file and makes it the chat model, also after a restart.',
        tags,
        params: IdParams,
        response: { 200: RegisteredModel, ...authErrors, 503: ErrorResponse },
      },
    },
    async (request) => modelRegistry.activate(request.principal, request.params.id),
  );

  app.delete(
    '/:id',
    {
      config: { action: 'model.delete' },
      schema: {
        summary: 'Delete a model',
        description: 'The loaded model cannot be deleted (409): load another first.',
        tags,
        params: IdParams,
        response: { 200: Type.Object({ deleted_file: Type.Boolean() }), ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => modelRegistry.remove(request.principal, request.params.id),
  );
};

/** The engine status in API shape. */
export function presentEngine(status: ReturnType<Services['engine']['status']>) {
  return {
    loaded: status.loaded,
    model: status.model
      ? {
          id: status.model.id,
          file_path: status.model.filePath ?? null,
          architecture: status.model.architecture ?? null,
          context_size: status.model.contextSize,
          parallel_sequences: status.model.parallelSequences,
          size_bytes: status.model.sizeBytes ?? null,
        }
      : null,
    active_sequences: status.activeSequences,
    queued_requests: status.queuedRequests,
  };
}
