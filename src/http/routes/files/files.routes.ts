import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authErrors, ErrorResponse, IdParams } from '../../../../contracts/common.contract.js';
import {
  ChunkInfo,
  FileInfo,
  FileList,
  FileListQuery,
  UploadForm,
} from '../../../../contracts/knowledge.contract.js';
import { FileDownload } from '../../../../contracts/responses.contract.js';
import type { DocumentStatus, DocumentVisibility } from '../../../db/tables.js';
import type { UploadOptions } from '../../../modules/documents/documents.service.js';
import type { ReceivedFile } from '../../../modules/documents/file-store.js';
import type { Services } from '../../../services.js';
import { AppError, errors } from '../../../shared/errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../../shared/json-depth.js';
import { attachmentDisposition } from '../../content-disposition.js';

const tags = ['files'];
const uploadErrors = {
  ...authErrors,
  409: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
  422: ErrorResponse,
};
const VISIBILITIES: readonly DocumentVisibility[] = ['workspace', 'managers', 'private'];
const ChunkParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  chunkId: Type.String({ maxLength: 64 }),
});
const DetailQuery = Type.Object({ include_content: Type.Optional(Type.Boolean()) });

/** /api/v1/files: upload, list, read, download, delete and re-process knowledge-base documents. */
export const filesRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { documents, files, config } = services;
  const maxBytes = config.documents.maxUploadMb * 1_048_576;

  /**
   * Reads a multipart upload: the file part is streamed straight to disk (never buffered), the
   * other fields (workspace_id, visibility, metadata) may come before or after it.
   */
  const upload = async (request: FastifyRequest) => {
    if (!request.isMultipart())
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data in a "file" field');
    const fields: Record<string, string> = {};
    let received: { file: ReceivedFile; filename: string } | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (received || part.fieldname !== 'file') {
            part.file.resume();
            throw errors.validation('Send exactly one file, in the "file" field', 'file');
          }
          // Fields sent before the file let a refusal happen before anything is written to disk.
          const workspaceId = fields.workspace_id?.trim();
          if (workspaceId) {
            await documents.checkCanUpload(request.principal, workspaceId).catch((error: unknown) => {
              part.file.resume();
              throw error;
            });
          }
          received = { file: await files.receive(part.file, maxBytes), filename: part.filename };
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
    } catch (error) {
      if (received) await files.discard(received.file);
      throw translateMultipartError(error, maxBytes);
    }
    if (!received) throw errors.validation('No file in the request (multipart field "file")', 'file');
    let options: UploadOptions;
    try {
      options = uploadOptions(fields);
    } catch (error) {
      await files.discard(received.file);
      throw error;
    }
    return documents.accept(request.principal, received.file, received.filename, options);
  };

  for (const url of ['/', '/upload']) {
    app.post(
      url,
      {
        config: { action: 'file.upload' },
        schema: {
          tags,
          summary: url === '/' ? 'Upload a document' : 'Upload a document (alias of POST /files)',
          description:
            'Send the file as `multipart/form-data` (fields below). Answers 201 with status `UPLOADED`; ' +
            'extraction, chunking and indexing follow in the background (watch `GET /files/{id}/status`).',
          consumes: ['multipart/form-data'],
          'x-multipart-form': UploadForm,
          response: { 201: FileInfo, ...uploadErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await upload(request)),
    );
  }

  app.get(
    '/',
    {
      config: { action: 'file.list' },
      schema: {
        summary: 'List documents',
        description: 'Only the documents the caller may read.',
        tags,
        querystring: FileListQuery,
        response: { 200: FileList, ...authErrors },
      },
    },
    async (request) => {
      const { skip, limit, status, workspace_id } = request.query;
      const page = await documents.list(request.principal, {
        offset: skip,
        limit,
        status: status?.toUpperCase() as DocumentStatus | undefined,
        workspaceId: workspace_id,
      });
      return { ...page, skip, limit };
    },
  );

  app.get(
    '/:id',
    {
      config: { action: 'file.read' },
      schema: {
        summary: 'Get a document',
        description: '`include_content=true` adds the extracted text.',
        tags,
        params: IdParams,
        querystring: DetailQuery,
        response: { 200: FileInfo, ...authErrors },
      },
    },
    async (request) =>
      documents.get(request.principal, request.params.id, request.query.include_content === true),
  );

  app.get(
    '/:id/status',
    {
      config: { action: 'file.read' },
      schema: {
        summary: "Get a document's processing status",
        tags,
        params: IdParams,
        response: {
          200: Type.Object({
            id: Type.String(),
            status: Type.String(),
            error: Type.Union([Type.String(), Type.Null()]),
          }),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const file = await documents.get(request.principal, request.params.id, false);
      return { id: file.id, status: file.status, error: file.error };
    },
  );

  app.get(
    '/:id/download',
    {
      config: { action: 'file.download' },
      schema: {
        summary: 'Download the original file',
        tags,
        params: IdParams,
        response: { 200: FileDownload, ...authErrors },
      },
    },
    async (request, reply) => {
      const file = await documents.download(request.principal, request.params.id);
      // Never rendered by the browser: an uploaded HTML file must not run on our origin.
      const type = file.mimeType.startsWith('text/html') ? 'application/octet-stream' : file.mimeType;
      return reply
        .header('Content-Type', type)
        .header('Content-Disposition', attachmentDisposition(file.filename))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .send(createReadStream(file.path) as never);
    },
  );

  app.delete(
    '/:id',
    {
      config: { action: 'file.delete' },
      schema: {
        summary: 'Delete a document',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await documents.delete(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/reprocess',
    {
      config: { action: 'file.reprocess' },
      schema: {
        summary: 'Process a document again',
        description:
          'Extracts, chunks and indexes it again in the background (202); watch `GET /files/{id}/status`.',
        tags,
        params: IdParams,
        response: { 202: FileInfo, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await documents.reprocess(request.principal, request.params.id)),
  );

  app.get(
    '/:id/chunks/:chunkId',
    {
      config: { action: 'file.read' },
      schema: {
        summary: 'Get one chunk of a document',
        description: 'The passage a chat answer cited.',
        tags,
        params: ChunkParams,
        response: { 200: ChunkInfo, ...authErrors },
      },
    },
    async (request) => documents.chunk(request.principal, request.params.id, request.params.chunkId),
  );
};

function uploadOptions(fields: Record<string, string>): UploadOptions {
  const visibility = fields.visibility?.trim().toLowerCase();
  if (visibility !== undefined && !VISIBILITIES.includes(visibility as DocumentVisibility))
    throw errors.validation(`visibility must be one of ${VISIBILITIES.join(', ')}`, 'visibility');
  let metadata: Record<string, unknown> | undefined;
  if (fields.metadata !== undefined && fields.metadata.trim() !== '') {
    try {
      metadata = JSON.parse(fields.metadata) as Record<string, unknown>;
    } catch {
      throw errors.validation('metadata must be a JSON object', 'metadata');
    }
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
      throw errors.validation('metadata must be a JSON object', 'metadata');
    // Stored with JSON.stringify, which recurses: thousands of levels would overflow the stack.
    if (exceedsJsonDepth(metadata))
      throw errors.validation(`metadata nests deeper than ${MAX_JSON_DEPTH} levels`, 'metadata');
  }
  const workspaceId = fields.workspace_id?.trim() || undefined;
  return { workspaceId, visibility: visibility as DocumentVisibility | undefined, metadata };
}

function translateMultipartError(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new AppError('PAYLOAD_TOO_LARGE', `File is larger than the ${maxBytes / 1_048_576} MiB limit`);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
  if (code?.startsWith('FST_') && !(error instanceof AppError))
    return errors.validation(`Malformed upload: ${(error as Error).message}`);
  return error;
}
