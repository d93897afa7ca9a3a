import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { WebSocket } from '@fastify/websocket';
import { GenerationSettings, KnowledgeSettings } from '../../../../contracts/chat.contract.js';
import type { Services } from '../../../services.js';
import { AppError } from '../../../shared/errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../../shared/json-depth.js';
import { assertRoleMay } from '../../../modules/access/policy.js';
import { credentialOf } from '../../plugins/auth.plugin.js';
import { toErrorResponse } from '../../plugins/errors.plugin.js';
import { toGenerationOptions, toRagInput } from './chat.mapping.js';

/** A client frame: a message to send (in a session, or a new one), or a cancel. */
const ClientFrame = Type.Union([
  Type.Object({
    message: Type.String({ minLength: 1, maxLength: 200_000 }),
    session_id: Type.Optional(Type.String({ maxLength: 64 })),
    ...GenerationSettings,
    ...KnowledgeSettings,
  }),
  Type.Object({ type: Type.Literal('cancel') }),
  // Access tokens are short-lived: a long-lived socket swaps in a fresh one for the same user.
  Type.Object({ type: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 4096 }) }),
]);
type ClientFrame = Static<typeof ClientFrame>;

const MAX_FRAME_BYTES = 1_048_576;
/** Messages a socket may have waiting behind the one being answered. */
const MAX_QUEUED_FRAMES = 4;

/** GET /api/v1/chat/ws: seed 003's WebSocket chat, frames `{chunk, done}`; `?token=` is accepted for browsers. */
export const chatWebSocketRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/ws',
    { websocket: true, config: { action: 'chat.generate', allowQueryToken: true } },
    (socket: WebSocket, request) => {
      let credential = credentialOf(request, true) ?? '';
      const userId = request.principal.user.id;
      let current: AbortController | undefined;
      let closed = false;
      let queued = 0;
      let chain = Promise.resolve();
      const send = (frame: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
      };

      socket.on('close', () => {
        closed = true;
        current?.abort(new Error('client disconnected'));
      });
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        const frame = parseFrame(data, isBinary);
        if ('error' in frame) return send({ error: frame.error, done: true });
        if ('type' in frame && frame.type === 'auth') {
          void swapCredential(frame.token);
          return;
        }
        if ('type' in frame) return current?.abort(new Error('cancelled by client'));
        if (queued >= MAX_QUEUED_FRAMES) {
          return send({
            error: { code: 'RATE_LIMITED', message: 'Too many messages waiting on this socket' },
            done: true,
          });
        }
        // Messages on one socket are answered one after another, in order.
        queued += 1;
        chain = chain
          .then(() => (closed ? undefined : answer(frame)))
          .catch(() => undefined)
          .finally(() => {
            queued -= 1;
          });
      });

      const swapCredential = async (token: string) => {
        try {
          const principal = await services.auth.authenticate(token);
          if (principal.user.id !== userId)
            throw new AppError('FORBIDDEN', 'A socket stays with the user who opened it');
          credential = token;
          send({ type: 'auth', ok: true });
        } catch (error) {
          send({ error: toErrorResponse(error).body.error, done: true });
          socket.close(4401, 'unauthorized');
        }
      };

      const answer = async (frame: Extract<ClientFrame, { message: string }>) => {
        const controller = (current = new AbortController());
        try {
          const principal = await reauthenticate(services, credential);
          const input = {
            message: frame.message,
            options: toGenerationOptions(frame),
            rag: toRagInput(frame, services.config.retrieval.defaultMode),
          };
          let sessionId = frame.session_id;
          for await (const event of services.chat.sendMessage(
            principal,
            sessionId,
            input,
            controller.signal,
          )) {
            if (event.type === 'user-message') sessionId = event.conversationId;
            else if (event.type === 'text-delta') send({ chunk: event.text, done: false });
            else if (event.type === 'reasoning-delta') send({ reasoning: event.text, done: false });
            else if (event.type === 'rag-search')
              send({
                rag_search: { query: event.query, status: event.status, results_count: event.resultsCount },
                done: false,
              });
            else send({ chunk: '', done: true, session_id: sessionId, message: event.message });
          }
        } catch (error) {
          const { status, body, retryAfter } = toErrorResponse(error);
          // A socket has no headers: a 429 or 503 says when to try again in the frame itself.
          send({
            error: body.error,
            done: true,
            ...(retryAfter !== undefined && { retry_after: retryAfter }),
          });
          if (status === 401) socket.close(4401, 'unauthorized');
        } finally {
          if (current === controller) current = undefined;
        }
      };
    },
  );
};

/**
 * A socket lives long: every message checks the credential again (logout, revocation and disabling
 * take effect at once), and the same role and password-change rules as the upgrade request.
 */
async function reauthenticate(services: Services, credential: string) {
  const principal = await services.auth.authenticate(credential);
  if (principal.user.must_change_password)
    throw new AppError('PASSWORD_CHANGE_REQUIRED', 'Change your password first');
  // A role changed to viewer while the socket is open stops being able to chat at the next message.
  assertRoleMay(principal, 'chat.generate');
  return principal;
}

function parseFrame(
  data: Buffer,
  isBinary: boolean,
): ClientFrame | { error: { code: string; message: string } } {
  const invalid = (message: string) => ({ error: { code: 'VALIDATION_ERROR', message } });
  if (isBinary || data.length > MAX_FRAME_BYTES) return invalid('Frames must be JSON text under 1 MiB');
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return invalid('Frame is not valid JSON');
  }
  if (exceedsJsonDepth(parsed)) return invalid(`Frame nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (!Value.Check(ClientFrame, parsed)) {
    const first = Value.Errors(ClientFrame, parsed).First();
    return invalid(`${first?.path.replace(/^\//, '') || 'frame'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed;
}
