import { Type, type Static } from '@sinclair/typebox';
import { LoadedModel } from './models.contract.js';

/** Dashboard window: how many hours back, bucketed by hour. */
export const StatsQuery = Type.Object({
  hours: Type.Integer({ minimum: 1, maximum: 24 * 30, default: 24 }),
});

/** One hour of answers: how many, tokens in and out, errors. */
export const UsageBucket = Type.Object({
  hour: Type.String({ description: 'Start of the hour, ISO 8601 UTC' }),
  requests: Type.Integer(),
  errors: Type.Integer(),
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
});

/** Latency percentiles in milliseconds over the window (null when there were no answers). */
export const LatencyPercentiles = Type.Object({
  p50: Type.Union([Type.Number(), Type.Null()]),
  p90: Type.Union([Type.Number(), Type.Null()]),
  p95: Type.Union([Type.Number(), Type.Null()]),
  p99: Type.Union([Type.Number(), Type.Null()]),
});

/** GET /api/v1/admin/stats: the admin dashboard's figures (seed 003). */
export const AdminStats = Type.Object({
  window_hours: Type.Integer(),
  generated_at: Type.String(),
  usage: Type.Array(UsageBucket),
  totals: Type.Object({
    requests: Type.Integer(),
    errors: Type.Integer(),
    prompt_tokens: Type.Integer(),
    completion_tokens: Type.Integer(),
    users: Type.Integer(),
    conversations: Type.Integer(),
    documents: Type.Integer(),
  }),
  latency_ms: LatencyPercentiles,
  time_to_first_token_ms: LatencyPercentiles,
  cache: Type.Object({
    enabled: Type.Boolean(),
    hit_rate: Type.Union([Type.Number(), Type.Null()], { description: 'null until a response cache exists' }),
  }),
  system: Type.Object({
    uptime_seconds: Type.Integer(),
    cpu_cores: Type.Integer(),
    cpu_model: Type.String(),
    load_average: Type.Array(Type.Number(), { description: '1, 5 and 15 minute load averages' }),
    process_cpu_percent: Type.Number({ description: 'CPU used by this process since start, % of one core' }),
    rss_bytes: Type.Integer(),
    heap_used_bytes: Type.Integer(),
    system_total_bytes: Type.Integer(),
    system_free_bytes: Type.Integer(),
  }),
  model: LoadedModel,
});
/** The admin dashboard's figures. */
export type AdminStats = Static<typeof AdminStats>;
