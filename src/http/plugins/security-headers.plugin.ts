import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import helmet, { type FastifyHelmetRouteOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** @fastify/helmet's per-route settings, read from the route config (set by an onRoute hook). */
    helmet?: FastifyHelmetRouteOptions['helmet'];
  }
}

/**
 * The API's Content-Security-Policy: a JSON or text answer never needs to load or run anything, so
 * if a browser is ever tricked into rendering one as a page, nothing in it runs and it cannot be framed.
 */
const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI's policy: its page loads only its own bundled script and styles from /docs/static
 * (no inline code in @fastify/swagger-ui's index.html, no outside host: the spec validator badge is
 * switched off in app.ts), fetches the spec and "Try it out" calls from this origin, and is never framed.
 */
const DOCS_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  // Plus the one <style> element swagger-ui-bundle.js inserts at run time, allowed by its hash rather
  // than 'unsafe-inline'; an upgrade that changes it shows up as a violation in docs.e2e.test.ts.
  styleSrc: ["'self'", "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
};

/** Route config for Swagger UI's routes: the same headers as everywhere, with the docs' own CSP. */
export const docsRouteHelmet = { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } };

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const API_CSP_HEADER = Object.entries(API_CSP)
  .map(([name, sources]) => `${kebab(name)} ${sources.join(' ')}`)
  .join('; ');

/**
 * The same safe headers for the few answers Fastify sends before any hook runs (a URL it cannot
 * decode, through `frameworkErrors`), where helmet's onRequest hook never gets to set them.
 */
export function setFallbackSecurityHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers(FALLBACK_HEADERS);
}

/** The headers helmet would have set, for answers written before (or without) its hook. */
const FALLBACK_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': API_CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** What a malformed request at the HTTP parser gets: status, our error code and message. */
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'Request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive'],
};

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (headers too large, bad
 * syntax, too slow) never reaches Fastify's hooks, so its answer is written here, on the socket,
 * with the same safe headers and error shape as every other answer.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'BAD_REQUEST',
    'Malformed HTTP request',
  ];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        Object.entries(FALLBACK_HEADERS)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('') +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** A year, in seconds: long enough to matter, the usual preload minimum. */
const HSTS = 'max-age=31536000';

/**
 * Safe headers on every response (API, /openapi.json, /health, /docs, errors, 404s) through
 * @fastify/helmet: nosniff, DENY framing (X-Frame-Options and CSP frame-ancestors), no Referer sent
 * anywhere (links in answers point outside; a URL of ours may carry ids that are nobody's business),
 * and a strict CSP. The web app's pages override the CSP with their own (web-app.plugin.ts).
 * HSTS is sent only over HTTPS as seen through a trusted proxy (`TRUST_PROXY`): Fastify reads
 * X-Forwarded-Proto only then, and HSTS over plain HTTP would be ignored or, worse, cached for a
 * host that has no certificate. No includeSubDomains: other hosts of the operator's domain are not ours to pin.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      hsts: false,
    });
    app.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https') void reply.header('Strict-Transport-Security', HSTS);
    });
  },
  { name: 'security-headers' },
);
