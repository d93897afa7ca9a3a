import { buildApp } from './app.js';
import { adminNotice, startRuntime } from './bootstrap.js';
import { loadProcessConfig } from './config/config.js';

/** Loads config, starts services and HTTP, and shuts down gracefully on SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  const config = loadProcessConfig();
  const runtime = await startRuntime(config);
  const app = await buildApp(runtime.services);
  announceAdmin(runtime.admin, app.log);
  const engine = runtime.services.engine.status();
  if (runtime.modelError) app.log.error(runtime.modelError);
  if (!engine.loaded) {
    app.log.warn(
      'No model loaded: set MODEL_PATH or run `privatestack models pull <name>` then `models use <name>`',
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
  await app.listen({ host: config.server.host, port: config.server.port });
}

function announceAdmin(
  admin: Awaited<ReturnType<typeof startRuntime>>['admin'],
  log: { warn: (message: string) => void },
) {
  const notice = adminNotice(admin);
  if (!notice) return;
  // Printed once, on the first start only; also saved 0600 so it survives a lost terminal.
  process.stderr.write(notice);
  log.warn(`Initial admin password written to ${admin.created ? admin.passwordFile : ''}`);
}
