import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { adminNotice, startRuntime, type Runtime } from './bootstrap.js';
import { loadProcessConfig, type Config } from './config/config.js';
import { initialPasswordFile } from './modules/auth/bootstrap.js';
import { startupBanner } from './startup-banner.js';
import { VERSION } from './version.js';

/** Loads config, starts services and HTTP, and shuts down gracefully on SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  const config = loadProcessConfig();
  // The model follower reports through the server's logger, which exists once the app is built.
  const server: { log?: FastifyInstance['log'] } = {};
  const runtime = await startRuntime(config, {
    followActiveModel: {
      info: (message) => (server.log ? server.log.info(message) : process.stdout.write(`${message}\n`)),
      error: (message) => (server.log ? server.log.error(message) : process.stderr.write(`${message}\n`)),
    },
  });
  const app = await buildApp(runtime.services);
  server.log = app.log;
  announceAdmin(runtime.admin, app.log);
  const engine = runtime.services.engine.status();
  if (runtime.modelError) app.log.error(runtime.modelError);
  if (!engine.loaded) {
    app.log.warn(
      'No model loaded: run `npx privatestack models pull <id>` (or `models add <file.gguf>`) or set MODEL_PATH',
    );
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    // Without this the model, database and job worker would keep a server that never listens alive.
    closing = true;
    await app.close();
    await runtime.close();
    throw listenError(error, config.server.host, config.server.port);
  }
  process.stdout.write(banner(app, config, runtime));
}

/** The start-up banner, from what actually happened: the bound port, the admin, the model. */
function banner(app: FastifyInstance, config: Config, runtime: Runtime): string {
  const passwordFile = initialPasswordFile(config.storage.dataDir);
  return startupBanner({
    version: VERSION,
    host: config.server.host,
    port: (app.server.address() as AddressInfo).port,
    dataDir: config.storage.dataDir,
    databasePath: config.storage.sqlitePath,
    admin: runtime.admin,
    pendingPasswordFile: existsSync(passwordFile) ? passwordFile : undefined,
    modelName: runtime.services.engine.status().model?.id,
    modelError: runtime.modelError,
  });
}

/** A listen failure in words an operator can act on. */
function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new Error(`${host}:${port} is already in use (another PrivateStack?); stop it or set PORT`);
  if (code === 'EACCES')
    return new Error(`No permission to listen on ${host}:${port}; choose a PORT above 1023`);
  if (code === 'EADDRNOTAVAIL')
    return new Error(
      `${host} is not an address of this machine, so nothing can listen on it; set HOST to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new Error(
      `HOST ${host} does not resolve to an address; set HOST to an IP address or a known name`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

function announceAdmin(admin: Runtime['admin'], log: { warn: (message: string) => void }) {
  const notice = adminNotice(admin);
  if (!notice) return;
  // Printed once, on the first start only; also saved 0600 so it survives a lost terminal.
  process.stderr.write(notice);
  log.warn(`Initial admin password written to ${admin.created ? admin.passwordFile : ''}`);
}
