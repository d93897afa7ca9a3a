import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../shared/errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../shared/json-depth.js';

/** The dotted path of the first number in a validated value that is not finite, if any. */
export function nonFiniteField(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item.value === 'number' && !Number.isFinite(item.value)) return item.path;
    if (typeof item.value !== 'object' || item.value === null) continue;
    for (const [key, child] of Object.entries(item.value))
      pending.push({ value: child, path: item.path ? `${item.path}.${key}` : key });
  }
  return undefined;
}

const LOCATIONS = ['querystring', 'params', 'body'] as const;
const valueAt = (request: FastifyRequest, location: (typeof LOCATIONS)[number]) =>
  location === 'querystring' ? request.query : location === 'params' ? request.params : request.body;

/**
 * Input limits every route shares. A parsed JSON body nested deeper than MAX_JSON_DEPTH is refused
 * before validation or any handler touches it: the parser itself is iterative (V8's JSON.parse,
 * secure-json-parse's prototype scan), but the validator, JSON.stringify and the serializer recurse.
 * After validation, a number that is not finite is refused: Ajv's type coercion turns the string
 * "Infinity" into Infinity and then skips `minimum`/`maximum` for it, so `?skip=Infinity` or
 * `"temperature": "-Infinity"` would otherwise reach SQLite or the model.
 */
export const inputLimitsPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      if (typeof request.body === 'object' && request.body !== null && exceedsJsonDepth(request.body))
        throw new AppError('VALIDATION_ERROR', `body nests deeper than ${MAX_JSON_DEPTH} levels`, {
          details: { field: 'body', location: 'body' },
        });
    });
    app.addHook('preHandler', async (request) => {
      for (const location of LOCATIONS) {
        const field = nonFiniteField(valueAt(request, location));
        if (field === undefined) continue;
        throw new AppError('VALIDATION_ERROR', `${field || location} must be a finite number`, {
          details: { field: field || location, location },
        });
      }
    });
  },
  { name: 'input-limits' },
);
