import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './plugins/errors.plugin.js';

/** Aborts `controller` when the client closes the connection before the response finished. */
export function abortOnDisconnect(reply: FastifyReply, controller: AbortController): () => void {
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  };
  reply.raw.on('close', onClose);
  return () => reply.raw.off('close', onClose);
}

/** An event to write: `event:` name and JSON `data:`. */
export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Streams events as Server-Sent Events. The first event is awaited before headers are sent, so
 * errors that happen before any output (404, 503 busy) still answer with a proper status code.
 * A client disconnect aborts `controller`, which stops generation down the stack.
 */
export async function sendSse(
  request: FastifyRequest,
  reply: FastifyReply,
  controller: AbortController,
  events: AsyncIterator<SseEvent>,
): Promise<void> {
  // Listen from the start: a client may leave while its request waits in the model queue.
  const detach = abortOnDisconnect(reply, controller);
  let first: IteratorResult<SseEvent>;
  try {
    first = await events.next();
  } catch (error) {
    detach();
    throw error;
  }
  const raw = reply.raw;
  reply.hijack();
  // Headers set by hooks (CORS, security headers) still apply after hijacking.
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const write = async (event: SseEvent) => {
    if (raw.destroyed) return;
    // A slow reader makes the stream wait (and so generation, one token at a time) instead of
    // piling the whole answer up in memory.
    if (!raw.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          raw.off('drain', done);
          raw.off('close', done);
          resolve();
        };
        raw.on('drain', done);
        raw.on('close', done);
      });
    }
  };
  try {
    for (let step = first; !step.done; step = await events.next()) await write(step.value);
  } catch (error) {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) request.log.error({ err: error }, 'stream failed');
    await write({ event: 'error', data: body.error });
  } finally {
    detach();
    raw.end();
  }
}
