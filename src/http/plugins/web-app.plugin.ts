import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The web app's Content-Security-Policy: only our own scripts, styles, images and connections.
 * No inline script or style, no outside image (markdown-image exfiltration), no framing.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Paths the single-page app never answers: the API, its docs and the health probe. */
const SERVER_PATHS = /^\/(api|docs|openapi\.json|health)(\/|$|\?)/;

/** The folder `npm run build` writes the web app into: `<package root>/dist/web`. */
export function defaultWebRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return join(folder, 'dist', 'web');
}

function secureHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', WEB_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY')
    .header('Cross-Origin-Opener-Policy', 'same-origin')
    .header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
}

/**
 * Serves the built web app at `/`: hashed assets cached for a year, every other page path answered
 * with index.html (the app routes in the browser), all with the strict CSP. When the app has not been
 * built, `/` says how to build it instead.
 */
export async function webAppPlugin(app: FastifyInstance, options: { root?: string }): Promise<void> {
  const root = options.root ?? defaultWebRoot();
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true, staticFile: true };
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    secureHeaders(reply);
    return payload;
  });
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn(
      `The web app has not been built (no ${indexFile}): run \`npm run build\` (npm start does it)`,
    );
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      if (SERVER_PATHS.test(request.url)) return reply.callNotFound();
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app has not been built. Run `npm run build` (npm start does it), then reload.');
    });
    return;
  }
  const indexHtml = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    preCompressed: true,
    setHeaders: (response, path) => {
      const immutable = path.includes(`${join(root, 'assets')}`);
      void response.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    // A missing asset or file is a 404, never the app page (a service worker would cache that HTML).
    const path = request.url.split('?', 1)[0] ?? '';
    if (SERVER_PATHS.test(request.url) || /^\/assets\/|\.\w+$/.test(path)) return reply.callNotFound();
    return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml);
  });
}
