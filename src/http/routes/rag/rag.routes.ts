import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { authErrors } from '../../../../contracts/common.contract.js';
import {
  RagConfig,
  RagHealth,
  SearchInput,
  SearchResponse,
} from '../../../../contracts/knowledge.contract.js';
import { ACCEPTED_EXTENSIONS } from '../../../modules/documents/extraction/file-type.js';
import type { Services } from '../../../services.js';
import { errors } from '../../../shared/errors.js';

const tags = ['rag'];
/** Seeds 000 and 002 pass search parameters in the query string; a JSON body works too. */
const SearchQueryString = Type.Partial(
  Type.Object({
    query: Type.String({ minLength: 1, maxLength: 4000 }),
    top_k: Type.Integer({ minimum: 1, maximum: 20 }),
    similarity_threshold: Type.Number({ minimum: 0, maximum: 1 }),
    mode: Type.Union([Type.Literal('hybrid'), Type.Literal('keyword'), Type.Literal('vector')]),
    workspace_id: Type.String({ maxLength: 64 }),
  }),
);

/** /api/v1/rag: search the knowledge base, and its health and configuration. */
export const ragRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { retrieval, knowledgeStatus } = services;

  const search = (
    principal: Parameters<typeof retrieval.search>[0],
    query: Static<typeof SearchQueryString>,
    body: Partial<Static<typeof SearchInput>> | undefined,
  ) => {
    const text = body?.query ?? query.query;
    if (!text || text.trim() === '') throw errors.validation('query is required', 'query');
    return retrieval.search(principal, {
      query: text,
      topK: body?.top_k ?? query.top_k,
      similarityThreshold: body?.similarity_threshold ?? query.similarity_threshold,
      mode: body?.mode ?? query.mode,
      workspaceIds: body?.workspace_ids ?? (query.workspace_id ? [query.workspace_id] : undefined),
      documentIds: body?.document_ids,
    });
  };

  app.post(
    '/search',
    {
      config: { action: 'rag.search' },
      schema: {
        summary: 'Search the knowledge base',
        description:
          'Hybrid (keyword BM25 + vector) search over the documents the caller may read. Parameters in the JSON body, or in the query string.',
        tags,
        querystring: SearchQueryString,
        body: Type.Optional(Type.Partial(SearchInput)),
        response: { 200: SearchResponse, ...authErrors },
      },
    },
    async (request) => search(request.principal, request.query, request.body),
  );

  app.get(
    '/search',
    {
      config: { action: 'rag.search' },
      schema: {
        summary: 'Search the knowledge base (query string)',
        description: 'Same as `POST /rag/search`, parameters in the query string.',
        tags,
        querystring: SearchQueryString,
        response: { 200: SearchResponse, ...authErrors },
      },
    },
    async (request) => search(request.principal, request.query, undefined),
  );

  app.get(
    '/health',
    {
      config: { action: 'rag.health.read' },
      schema: {
        summary: "Get the knowledge base's health",
        description: 'Counts cover the documents the caller may read.',
        tags,
        response: { 200: RagHealth, ...authErrors },
      },
    },
    async (request) => knowledgeStatus.health(request.principal),
  );

  app.get(
    '/config',
    {
      config: { action: 'rag.config.read' },
      schema: {
        summary: 'Get the knowledge base configuration and upload limits',
        tags,
        response: { 200: RagConfig, ...authErrors },
      },
    },
    async (request) => ({
      ...(await knowledgeStatus.config(request.principal)),
      // What an upload may be, so clients (the web app) can check files before sending them.
      uploads: {
        max_upload_mb: services.config.documents.maxUploadMb,
        max_pdf_pages: services.config.documents.maxPdfPages,
        accepted_extensions: [...ACCEPTED_EXTENSIONS],
      },
    }),
  );
};
