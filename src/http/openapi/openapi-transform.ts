import type { FastifySchema, RouteOptions } from 'fastify';
import { isAction, PERMISSION_TABLE, ROLES, type Cell } from '../../modules/access/permission-table.js';
import type { Role } from '../../modules/users/user.repository.js';
import { sharedErrorResponseName, SIGNED_IN } from './openapi-components.js';

declare module 'fastify' {
  interface FastifySchema {
    /** A multipart form to document as the request body; never validated (the route reads the parts). */
    'x-multipart-form'?: unknown;
  }
}

/** A JSON schema as the transform walks it (TypeBox schemas are plain objects underneath). */
type JsonSchema = { [key: string]: unknown };

/** What a conditional cell of the permission table means, in a sentence a client author reads. */
const CELL_TEXT: Record<Exclude<Cell, 'allow' | 'deny'>, string> = {
  own: 'their own only',
  member: 'as a member of the workspace',
  'member:editor': 'as an owner or editor of the workspace',
  'member:owner': 'as an owner of the workspace',
  readable: 'documents they may read',
  'own or member:owner': 'their own, or as an owner of the workspace',
};

/** The route's permission, from its action's row of the permission table (docs/permissions.md). */
export function permissionNote(action: unknown): string | undefined {
  if (!isAction(action)) return undefined;
  const row = PERMISSION_TABLE[action];
  const rolesByCell = new Map<Cell, Role[]>();
  for (const role of ROLES) rolesByCell.set(row[role], [...(rolesByCell.get(row[role]) ?? []), role]);
  const parts = [...rolesByCell].map(([cell, roles]) => {
    if (cell === 'allow') return roles.length === ROLES.length ? 'every role' : roles.join(', ');
    if (cell === 'deny') return `not ${roles.join(', ')}`;
    return `${roles.join(', ')}: ${CELL_TEXT[cell]}`;
  });
  return `**Permission** \`${action}\` (docs/permissions.md): ${parts.join('; ')}.`;
}

/**
 * A copy of a request schema in which no property with a `default` is required. TypeBox lists every
 * property not wrapped in Type.Optional under `required`, and a default does not change that; Ajv
 * (useDefaults) fills the default in before it checks `required`, so the server accepts the
 * property's absence while the schema, and so the OpenAPI parameter, says it must be sent.
 */
export function withDefaultsOptional<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((item: unknown) => withDefaultsOptional(item)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: JsonSchema = { ...(schema as JsonSchema) };
  for (const [key, value] of Object.entries(copy)) {
    if (key !== 'default' && key !== 'enum' && key !== 'const') copy[key] = withDefaultsOptional(value);
  }
  const properties = copy.properties as Record<string, JsonSchema> | undefined;
  if (properties && Array.isArray(copy.required)) {
    const required = (copy.required as string[]).filter((name) => properties[name]?.default === undefined);
    if (required.length > 0) copy.required = required;
    else delete copy.required;
  }
  return copy as T;
}

/** The swagger `transform` input this module reads. */
interface RouteToDocument {
  /** The route's schema (undefined for routes without one). */
  readonly schema: FastifySchema | undefined;
  /** The full URL, prefix included. */
  readonly url: string;
  /** The route as registered, with its config. */
  readonly route: RouteOptions;
}

/**
 * The swagger `transform`: what the route's config decides is written into its operation once,
 * here, instead of in every route: security (none for `config.public`, Bearer or X-API-Key
 * otherwise), the permission and whether it works before a required password change, request
 * schemas without `required` defaults, a multipart form as the request body it documents, and the
 * canonical URL without a trailing slash.
 */
export function documentRoute({ schema, url, route }: RouteToDocument): {
  schema: FastifySchema;
  url: string;
} {
  const canonicalUrl = url.length > 1 ? url.replace(/\/$/, '') : url;
  if (!schema || schema.hide) return { schema: schema ?? {}, url: canonicalUrl };
  const config = route.config ?? {};
  const pending = config.allowPendingPasswordChange
    ? 'Works before a required password change (403 `PASSWORD_CHANGE_REQUIRED` elsewhere).'
    : undefined;
  const notes = [schema.description, permissionNote(config.action), pending].filter(Boolean);
  const { 'x-multipart-form': form, ...rest } = schema;
  return {
    url: canonicalUrl,
    schema: {
      ...rest,
      ...(form !== undefined && { body: form, consumes: ['multipart/form-data'] }),
      ...(notes.length > 0 && { description: notes.join('\n\n') }),
      security: config.public === true ? [] : SIGNED_IN,
      ...(schema.querystring !== undefined && { querystring: withDefaultsOptional(schema.querystring) }),
      ...(schema.body !== undefined && { body: withDefaultsOptional(schema.body) }),
      ...(schema.headers !== undefined && { headers: withDefaultsOptional(schema.headers) }),
    },
  };
}

/** The generated document's parts this module rewrites. */
interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

const SUCCESS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted: the work continues in the background',
  '204': 'Done; no body',
};

/** Whether a generated response is the `{error: {code, message}}` body. */
function isErrorBody(response: { content?: Record<string, { schema?: JsonSchema }> }): boolean {
  const properties = response.content?.['application/json']?.schema?.properties as JsonSchema | undefined;
  return properties?.error !== undefined;
}

/**
 * The swagger `transformObject`: every error response whose status has a shared component becomes
 * a `$ref` to it (described once, with its codes and headers), and success responses that carry no
 * description of their own get one for their status.
 */
export function useSharedResponses<T extends { paths?: object }>({ openapiObject }: { openapiObject: T }): T {
  for (const pathItem of Object.values(openapiObject.paths ?? {}) as Record<string, Operation>[]) {
    for (const operation of Object.values(pathItem)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const shared = sharedErrorResponseName(Number(status));
        if (shared && isErrorBody(response)) {
          operation.responses![status] = { $ref: `#/components/responses/${shared}` } as never;
        } else if (response.description === 'Default Response') {
          response.description = SUCCESS_TEXT[status] ?? 'Response';
        }
      }
    }
  }
  return openapiObject;
}
