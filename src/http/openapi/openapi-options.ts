import type { SwaggerOptions } from '@fastify/swagger';
import { SECURITY_SCHEMES, SHARED_SCHEMAS, sharedErrorResponses, TAGS } from './openapi-components.js';
import { documentRoute, useSharedResponses } from './openapi-transform.js';

const INTRODUCTION = [
  'Private, self-hosted LLM platform. Every path below is under this server; the API is under `/api/v1`.',
  '',
  '**Start**: `POST /api/v1/auth/login` with `{"email": "…", "password": "…"}` answers an `access_token`; ' +
    'press **Authorize** and paste it under `bearerAuth` (or use an API key, either scheme). A first-run ' +
    'admin must change the generated password first (`POST /api/v1/auth/password`). Chat needs a loaded ' +
    'model: `POST /api/v1/models/pull` or `npx privatestack models add <file.gguf>` on the server.',
  '',
  '**Errors** are always `{"error": {"code", "message", "details"?}}` with a stable upper-case `code`; ' +
    'the shared responses below list the codes of each status. **Lists** page with `skip` and `limit`. ' +
    '**Permissions**: each operation names its action and the roles that have it (docs/permissions.md).',
].join('\n');

/** The @fastify/swagger options: the document's frame, and the transforms that complete each operation. */
export function openApiOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'PrivateStack API', version, description: INTRODUCTION },
      tags: TAGS,
      components: {
        securitySchemes: SECURITY_SCHEMES,
        responses: sharedErrorResponses(),
        schemas: SHARED_SCHEMAS,
      } as never,
    },
    transform: documentRoute,
    transformObject: useSharedResponses as never,
  };
}
