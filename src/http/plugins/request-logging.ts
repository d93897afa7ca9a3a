import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A file of the web app or of the docs page: logged once at debug instead of twice at info. */
    staticFile?: boolean;
  }
}

/**
 * Requests that were routed to a static file: a missing file ends in the 404 handler, whose route is
 * not marked, and its completion must stay as quiet as its start was. Per request, gone with it.
 */
const startedAsStaticFile = new WeakSet<FastifyRequest>();

/**
 * Whether Fastify's own request and response lines are skipped (its `disableRequestLogging`): one
 * page load fetches a dozen files, and two info lines for each buried the API requests in the log.
 */
export function isStaticFileRequest(request: FastifyRequest): boolean {
  if (request.routeOptions?.config?.staticFile === true) startedAsStaticFile.add(request);
  return startedAsStaticFile.has(request);
}

/**
 * The one line a static file gets, at debug. A failure on our side is logged at error by the error
 * handler anyway, and an unbuilt web app is said once at start (web-app.plugin).
 */
export async function logStaticFile(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!isStaticFileRequest(request)) return;
  request.log.debug(
    { req: request, statusCode: reply.statusCode, responseTime: reply.elapsedTime },
    'static file',
  );
}
