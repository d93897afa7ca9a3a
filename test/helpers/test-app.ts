import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { startRuntime, type Runtime } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { storiesModel } from './shared-models.js';

export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** A running app on a fresh SQLite file in a temp dir. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly dataDir: string;
  /** Base URL when started with `listen: true`. */
  readonly url: string;
  /** Logs in and returns the access token. */
  login(login: string, password: string): Promise<string>;
  /** Creates a user through the admin API and returns an access token for them. */
  createUser(
    role?: 'admin' | 'manager' | 'user' | 'viewer',
  ): Promise<{ id: string; email: string; token: string }>;
  /** The admin's access token. */
  adminToken(): Promise<string>;
  /** One request through inject(): status and parsed JSON body (undefined when empty). */
  call(method: string, url: string, token?: string, payload?: object): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Options for startTestApp. */
export interface TestAppOptions {
  readonly env?: Record<string, string>;
  readonly model?: boolean;
  readonly listen?: boolean;
  /** Reuse this data directory (kept on close) instead of a fresh temporary one. */
  readonly dataDir?: string;
  /** Told of every route as it is registered (its config says whether it is public). */
  readonly onRoute?: (route: RouteOptions) => void;
}

let userCounter = 0;

/** Starts the real app (real SQLite file, real llama.cpp on the tiny model) for one test file. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'privatestack-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    MODEL_CONTEXT_LENGTH: '512',
    MODEL_PARALLEL: '2',
    // One llama.cpp thread: test files run two at a time on small CI machines, and spinning
    // threads that outnumber the cores slow every generation many times over.
    MODEL_THREADS: '1',
    MODEL_TEMPERATURE: '0',
    MODEL_MAX_TOKENS: '24',
    ...(options.model !== false && { MODEL_PATH: storiesModel() }),
    ...options.env,
  });
  const runtime = await startRuntime(config);
  const app = await buildApp(runtime.services, {
    logger: false,
    ...(options.onRoute && { onRoute: options.onRoute }),
    // A helper session may build the web app into its own folder (E2E_WEB_ROOT) to test in parallel.
    ...(process.env.E2E_WEB_ROOT && { webRoot: process.env.E2E_WEB_ROOT }),
  });
  const url = options.listen ? await app.listen({ host: '127.0.0.1', port: 0 }) : '';
  let admin: string | undefined;

  const login = async (name: string, password: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: name, password },
    });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
    return response.json<{ access_token: string }>().access_token;
  };
  const adminToken = async () => (admin ??= await login(ADMIN_EMAIL, ADMIN_PASSWORD));

  return {
    app,
    runtime,
    dataDir,
    url,
    login,
    adminToken,
    call: async (method, url, token, payload) => {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: token ? bearer(token) : {},
        ...(payload !== undefined && { payload }),
      });
      return { status: response.statusCode, body: response.body ? response.json() : undefined };
    },
    createUser: async (role = 'user') => {
      const email = `user${++userCounter}-${process.pid}@example.test`;
      const password = 'user password 123';
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${await adminToken()}` },
        payload: { email, password, role },
      });
      if (response.statusCode !== 201) throw new Error(`create user failed: ${response.body}`);
      return { id: response.json<{ id: string }>().id, email, token: await login(email, password) };
    },
    close: async () => {
      await app.close();
      await runtime.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Authorization header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
