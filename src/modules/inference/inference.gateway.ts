import type { Generation, GenerationRequest, LanguageModel } from '../../providers/llm/language-model.js';
import type { RateLimitState } from '../../shared/errors.js';
import type { AdmissionService } from './admission.service.js';

/** A generating call that passed admission and may now start its generation. */
export interface AdmittedCall {
  /** The user's request quota after counting this call (for RateLimit-* headers). */
  readonly quota: RateLimitState;
  /**
   * Starts the generation, queued in turn with other users' requests; the admission is held until
   * the generation's stream ends or it is released, and given back at once if starting fails.
   */
  begin(request: Omit<GenerationRequest, 'fairnessKey'>, signal?: AbortSignal): Promise<Generation>;
  /** Gives the admission back when the call ends before a generation started (idempotent). */
  release(): void;
}

/**
 * The one path for model calls: every generating call (chat turns now; tasks, /v1 and the CLI later)
 * is admitted here for a user before it reaches the model. Guards, audit, quotas and the cache grow
 * here as middleware over the provider.
 */
export function createInferenceGateway(dependencies: { model: LanguageModel; admission: AdmissionService }) {
  const { model, admission } = dependencies;
  return {
    /** Admits one generating call for a user (429 RATE_LIMITED beyond the user's limits). */
    admit: async (userId: string): Promise<AdmittedCall> => {
      const admitted = await admission.admit(userId);
      const release = () => admitted.release();
      return {
        quota: admitted.quota,
        release,
        begin: async (request, signal) => {
          let generation: Generation;
          try {
            generation = await model.begin({ ...request, fairnessKey: userId }, signal);
          } catch (error) {
            release();
            throw error;
          }
          return holding(generation, release);
        },
      };
    },
  };
}

/** The generation, with `release` also run when its stream ends or it is released. */
function holding(generation: Generation, release: () => void): Generation {
  return {
    stream: async function* () {
      try {
        yield* generation.stream();
      } finally {
        release();
      }
    },
    release: () => {
      generation.release();
      release();
    },
  };
}

/** The inference gateway's shape. */
export type InferenceGateway = ReturnType<typeof createInferenceGateway>;
