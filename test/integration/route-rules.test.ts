import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startRuntime, type Runtime } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { defaultWebRoot } from '../../src/http/plugins/web-app.plugin.js';
import { PERMISSION_TABLE } from '../../src/modules/access/permission-table.js';
import { readPermissionDoc } from '../helpers/permission-doc.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/test-app.js';

// Issue #9 item 3: every route the real app registers is public or names an action of the
// permission table, so a new route cannot forget its rule.
const routes: RouteOptions[] = [];
let runtime: Runtime;
let dataDir: string;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'privatestack-routes-'));
  const config = loadConfig({ DATA_DIR: dataDir, ADMIN_EMAIL, ADMIN_PASSWORD, LOG_LEVEL: 'silent' });
  runtime = await startRuntime(config);
  app = await buildApp(runtime.services, { logger: false, onRoute: (route) => routes.push(route) });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const describeRoute = (route: RouteOptions) => `${String(route.method)} ${route.url}`;

describe('route rules', () => {
  it('sees the whole API (the listener is on before any route)', () => {
    const urls = new Set(routes.map((route) => route.url));
    for (const url of ['/health', '/openapi.json', '/api/v1/files', '/api/v1/chat/ws', '/api/v1/admin/stats'])
      expect(urls).toContain(url);
    expect(routes.length).toBeGreaterThan(60);
  });

  it('gives every route `public` or an action of the permission table and of docs/permissions.md', () => {
    const documented = readPermissionDoc();
    const missing = routes
      .filter((route) => route.config?.public !== true)
      .filter((route) => {
        const action = route.config?.action;
        return !(
          typeof action === 'string' &&
          Object.hasOwn(PERMISSION_TABLE, action) &&
          documented.has(action)
        );
      })
      .map(describeRoute);
    expect(missing).toEqual([]);
  });

  it('refuses unknown keys in every JSON body (no mass assignment of columns)', () => {
    const open = routes
      .filter((route) => {
        const body = route.schema?.body as { type?: unknown; additionalProperties?: unknown } | undefined;
        return body?.type === 'object' && body.additionalProperties !== false;
      })
      .map(describeRoute);
    expect(open).toEqual([]);
    expect(routes.filter((route) => route.schema?.body).length).toBeGreaterThan(20);
  });

  it('keeps public routes to the documented few: sign-in, health, API docs and the web app', () => {
    const isPublic = routes.filter((route) => route.config?.public === true).map((route) => route.url);
    const allowed = [
      /^\/api\/v1\/auth\/(login|refresh|register)$/,
      /^\/health$/,
      /^\/openapi\.json$/,
      /^\/docs(\/|$)/,
      /^\/\*$/, // the web app's pages and assets
    ];
    // With a built web app, @fastify/static also registers one route per file of dist/web.
    const webRoot = defaultWebRoot();
    const webFiles = new Set(
      existsSync(webRoot)
        ? readdirSync(webRoot, { recursive: true, withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => `/${path.relative(webRoot, path.join(entry.parentPath, entry.name))}`)
        : [],
    );
    const unexpected = isPublic.filter(
      (url) => !webFiles.has(url) && !allowed.some((pattern) => pattern.test(url)),
    );
    expect(unexpected).toEqual([]);
  });

  it('refuses a signed-in request to a route without a rule (fail closed)', async () => {
    const probe = await buildApp(runtime.services, {
      logger: false,
      onRoute: (route) => {
        // Strip the rule from one route, as a forgetful new route would look.
        if (route.url === '/api/v1/prompts' && route.method === 'GET') route.config = {};
      },
    });
    const login = await probe.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const token = login.json<{ access_token: string }>().access_token;
    const response = await probe.inject({
      method: 'GET',
      url: '/api/v1/prompts',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(403);
    await probe.close();
  });
});
