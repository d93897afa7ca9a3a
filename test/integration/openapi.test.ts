import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../helpers/sse.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadFile } from '../helpers/upload.js';

// Issue #10 item 11: /docs is a reference a client author can work from. The document is fetched
// from a real server over HTTP, and where it makes a claim (security, content types, defaults), the
// claim is tried against the same server.

interface Operation {
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean; schema?: { default?: unknown } }[];
  responses: Record<string, { $ref?: string; description?: string; headers?: object; content?: object }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const routes: RouteOptions[] = [];
let t: TestApp;
let doc: any;
let operations: { method: string; path: string; operation: Operation }[];

beforeAll(async () => {
  t = await startTestApp({ listen: true, onRoute: (route) => routes.push(route) });
  const response = await fetch(`${t.url}/openapi.json`);
  expect(response.status).toBe(200);
  doc = await response.json();
  operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(
    ([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method]! })),
  );
});
afterAll(async () => {
  await t.close();
});

const name = ({ method, path }: { method: string; path: string }) => `${method.toUpperCase()} ${path}`;
/** The registered route behind a documented operation (`{id}` → `:id`, no trailing slash). */
const routeOf = (method: string, path: string) =>
  routes.find(
    (route) =>
      [route.method].flat().includes(method.toUpperCase()) &&
      route.url.replace(/(.)\/$/, '$1') === path.replace(/\{(\w+)\}/g, ':$1'),
  );
/** Follows a `#/components/...` pointer. */
const resolve = (ref: string) =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<any>((node, key) => node?.[key], doc);

describe('the OpenAPI document', () => {
  it('lists the whole API, one operation per route, under the paths clients call', () => {
    expect(operations.length).toBeGreaterThanOrEqual(60);
    expect(operations.filter(({ method, path }) => !routeOf(method, path)).map(name)).toEqual([]);
    // The canonical paths, as the web app and the README call them (no trailing slash).
    expect(Object.keys(doc.paths).filter((path) => path.length > 1 && path.endsWith('/'))).toEqual([]);
  });

  it('gives every operation a short summary and a tag that the document describes', () => {
    const tags = new Set((doc.tags as { name: string; description: string }[]).map((tag) => tag.name));
    const bad = operations
      .filter(({ operation }) => {
        const summary = operation.summary ?? '';
        const tagged = (operation as { tags?: string[] }).tags?.every((tag) => tags.has(tag)) ?? false;
        return !summary || summary.length > 80 || summary.endsWith('.') || !tagged;
      })
      .map(name);
    expect(bad).toEqual([]);
  });

  it('documents a success response for every operation, and answers nothing on 204', () => {
    const without = operations
      .filter(({ operation }) => !Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)))
      .map(name);
    expect(without).toEqual([]);
    const noContent = operations.filter(({ operation }) => operation.responses['204']);
    expect(noContent.length).toBeGreaterThan(5);
    for (const { operation } of noContent) expect(operation.responses['204']!.content).toBeUndefined();
  });

  it('declares Bearer and X-API-Key, requires one on every non-public operation and none on public ones', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    const wrong = operations
      .filter(({ method, path, operation }) => {
        const isPublic = routeOf(method, path)?.config?.public === true;
        const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement)).sort();
        return isPublic ? schemes.length > 0 : schemes.join() !== 'apiKeyHeader,bearerAuth';
      })
      .map(name);
    expect(wrong).toEqual([]);
    const publicOnes = operations.filter(({ operation }) => operation.security?.length === 0).map(name);
    expect(publicOnes).toEqual(
      expect.arrayContaining(['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'GET /health']),
    );
  });

  it('names the permission and the roles that have it on every non-public operation', () => {
    const missing = operations
      .filter(({ operation }) => operation.security?.length !== 0)
      .filter(({ operation }) => !/\*\*Permission\*\* `[a-z.-]+`/.test(operation.description ?? ''))
      .map(name);
    expect(missing).toEqual([]);
    const stats = doc.paths['/api/v1/admin/stats'].get as Operation;
    expect(stats.description).toContain('`admin.stats.read`');
    expect(stats.description).toContain('admin, manager; not user, viewer');
  });

  it('marks no parameter with a default as required (GET /admin/stats?hours among them)', () => {
    const wrong = operations.flatMap(({ method, path, operation }) =>
      (operation.parameters ?? [])
        .filter((parameter) => parameter.schema?.default !== undefined && parameter.required)
        .map((parameter) => `${name({ method, path })} ?${parameter.name}`),
    );
    expect(wrong).toEqual([]);
    const hours = (doc.paths['/api/v1/admin/stats'].get as Operation).parameters?.find(
      (parameter) => parameter.name === 'hours',
    );
    expect(hours).toMatchObject({ in: 'query', required: false, schema: { default: 24 } });
    const paged = (doc.paths['/api/v1/users'].get as Operation).parameters?.filter((p) => p.in === 'query');
    expect(paged?.map((p) => [p.name, p.required])).toEqual([
      ['skip', false],
      ['limit', false],
    ]);
  });

  it('describes the common errors once, as shared responses every operation refers to', () => {
    const shared = doc.components.responses;
    for (const component of ['ValidationError', 'Unauthorized', 'Forbidden', 'NotFound', 'TooManyRequests'])
      expect(shared[component]?.content['application/json'].schema.$ref).toBe(
        '#/components/schemas/ErrorResponse',
      );
    expect(shared.ValidationError.description).toContain('`VALIDATION_ERROR`');
    expect(Object.keys(shared.TooManyRequests.headers)).toContain('Retry-After');
    expect(Object.keys(shared.ServiceUnavailable.headers)).toContain('Retry-After');
    const inline = operations.flatMap(({ method, path, operation }) =>
      ['400', '401', '403', '404', '429', '503']
        .filter((status) => operation.responses[status] && !operation.responses[status].$ref)
        .map((status) => `${name({ method, path })} ${status}`),
    );
    expect(inline).toEqual([]);
    expect((doc.paths['/api/v1/auth/login'].post as Operation).responses['429']!.$ref).toBe(
      '#/components/responses/TooManyRequests',
    );
  });

  it('has only references that resolve, a description on every response, and every path parameter declared', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((ref) => resolve(ref) === undefined)).toEqual([]);
    for (const { method, path, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const description = (response.$ref ? resolve(response.$ref) : response).description;
        expect(description, `${name({ method, path })} ${status}`).toMatch(/\S/);
      }
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared.sort(), name({ method, path })).toEqual(
        [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort(),
      );
    }
  });
});

describe('what the document says holds on the server', () => {
  it('refuses every operation that requires a credential with 401 when none is sent', async () => {
    const wrong: string[] = [];
    for (const { method, path, operation } of operations) {
      if (operation.security?.length === 0) continue;
      const url = path.replace(/\{\w+\}/g, 'x');
      const response = await t.app.inject({ method: method.toUpperCase() as 'GET', url });
      if (response.statusCode !== 401) wrong.push(`${name({ method, path })} → ${response.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it('accepts an API key in X-API-Key, as the apiKeyHeader scheme says', async () => {
    const user = await t.createUser('user');
    const created = await t.call('POST', '/api/v1/auth/api-keys', user.token, { name: 'docs test' });
    expect(created.status).toBe(201);
    const me = await fetch(`${t.url}/api/v1/auth/me`, { headers: { 'X-API-Key': created.body.key } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(user.email);
  });

  it('fills in a documented default: GET /admin/stats without hours covers 24 hours', async () => {
    const stats = await t.call('GET', '/api/v1/admin/stats', await t.adminToken());
    expect([stats.status, stats.body.window_hours]).toEqual([200, 24]);
  });

  it('streams chat as the documented text/event-stream, with only the documented events', async () => {
    const documented = (doc.paths['/api/v1/chat/stream'].post as Operation).responses['200']!;
    expect(Object.keys(documented.content ?? {})).toEqual(['text/event-stream']);
    for (const path of ['/api/v1/chat/sessions/{id}/messages', '/api/v1/chat/sessions/{id}/regenerate'])
      expect(Object.keys(doc.paths[path].post.responses['200'].content)).toEqual(['text/event-stream']);
    const user = await t.createUser('user');
    const response = await fetch(`${t.url}/api/v1/chat/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Once upon a time', max_tokens: 8 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    expect(events.map((event) => event.event)).toContain('done');
    for (const event of new Set(events.map((item) => item.event)))
      expect(documented.description).toContain(`| \`${event}\` |`);
  });

  it('documents the upload as the multipart form the server reads', async () => {
    for (const path of ['/api/v1/files', '/api/v1/files/upload']) {
      const form = doc.paths[path].post.requestBody.content['multipart/form-data'].schema;
      expect(form.required).toEqual(['file']);
      expect(form.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    }
    const user = await t.createUser('user');
    const upload = await uploadFile(t, user.token, 'form.txt', 'text', { visibility: 'private' });
    expect([upload.status, upload.body.visibility]).toEqual([201, 'private']);
  });

  it('downloads a file with a documented content type and Content-Disposition', async () => {
    const documented = (doc.paths['/api/v1/files/{id}/download'].get as Operation).responses['200']!;
    expect(Object.keys(documented.headers ?? {})).toContain('Content-Disposition');
    const user = await t.createUser('user');
    const upload = await uploadFile(t, user.token, 'notes.md', '# Notes\n\nPlain words.');
    expect(upload.status).toBe(201);
    const response = await fetch(`${t.url}/api/v1/files/${upload.body.id}/download`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(response.status).toBe(200);
    const type = response.headers.get('content-type')!.split(';')[0]!;
    expect(Object.keys(documented.content ?? {})).toContain(type);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="notes\.md"/);
    expect(await response.text()).toBe('# Notes\n\nPlain words.');
  });
});
