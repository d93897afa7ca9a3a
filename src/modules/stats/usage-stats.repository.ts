import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';

/** One hour of assistant answers. */
export interface UsageBucket {
  hour: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
}

/** Nearest-rank latency percentiles in milliseconds (null when there were no values). */
export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

/** At most this many of the latest answers are read to compute latency percentiles. */
export const MAX_LATENCY_SAMPLES = 20_000;

const HOUR_MS = 60 * 60 * 1000;

/** Start of the UTC hour that holds `at`. */
export function startOfHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The `hours` hour starts ending with the hour that holds `now`, oldest first, as ISO strings. */
export function hourStarts(now: Date, hours: number): string[] {
  const last = startOfHour(now).getTime();
  return Array.from({ length: hours }, (_, i) => new Date(last - (hours - 1 - i) * HOUR_MS).toISOString());
}

/** Nearest-rank percentiles (p50, p90, p95, p99) of some values. */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? null : sorted[Math.ceil((p / 100) * sorted.length) - 1]!);
  return { p50: at(50), p90: at(90), p95: at(95), p99: at(99) };
}

/** Read-only usage figures over the messages table, in portable SQL (SQLite and PostgreSQL). */
export function createUsageStatsRepository(db: Kysely<Database>) {
  // Literals, not parameters: PostgreSQL matches GROUP BY to the select list by text, and cannot
  // type a CASE of bare parameters for sum().
  const hourKey = sql<string>`substr(${sql.ref('created_at')}, 1, 13)`;

  const assistantSince = (since: string) =>
    db.selectFrom('messages').where('role', '=', 'assistant').where('created_at', '>=', since);

  return {
    /** Assistant answers per hour over the last `hours` hours (the current one included), zero-filled. */
    hourlyUsage: async (now: Date, hours: number): Promise<UsageBucket[]> => {
      const starts = hourStarts(now, hours);
      const rows = await assistantSince(starts[0]!)
        .select((eb) => [
          hourKey.as('hour'),
          eb.fn.countAll<number | string>().as('requests'),
          eb.fn
            .sum<number | string | null>(
              eb.case().when('status', '=', 'error').then(eb.lit(1)).else(eb.lit(0)).end(),
            )
            .as('errors'),
          eb.fn.sum<number | string | null>('prompt_tokens').as('prompt_tokens'),
          eb.fn.sum<number | string | null>('completion_tokens').as('completion_tokens'),
        ])
        .groupBy(hourKey)
        .execute();
      const byHour = new Map(rows.map((row) => [row.hour, row]));
      return starts.map((hour) => {
        const row = byHour.get(hour.slice(0, 13));
        return {
          hour,
          requests: Number(row?.requests ?? 0),
          errors: Number(row?.errors ?? 0),
          prompt_tokens: Number(row?.prompt_tokens ?? 0),
          completion_tokens: Number(row?.completion_tokens ?? 0),
        };
      });
    },

    /** Latency and time-to-first-token percentiles of the latest answers created since `since`. */
    latencyPercentiles: async (since: string, limit = MAX_LATENCY_SAMPLES) => {
      const rows = await assistantSince(since)
        .select(['latency_ms', 'time_to_first_token_ms'])
        .where((eb) =>
          eb.or([eb('latency_ms', 'is not', null), eb('time_to_first_token_ms', 'is not', null)]),
        )
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      const values = (pick: (row: (typeof rows)[number]) => number | null) =>
        rows.map(pick).filter((value): value is number => value !== null);
      return {
        latency_ms: percentiles(values((row) => row.latency_ms)),
        time_to_first_token_ms: percentiles(values((row) => row.time_to_first_token_ms)),
      };
    },

    /** How many users, conversations and documents exist. */
    counts: async () => {
      const count = async (table: 'users' | 'conversations' | 'documents') => {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('total'))
          .executeTakeFirstOrThrow();
        return Number(row.total);
      };
      const [users, conversations, documents] = await Promise.all([
        count('users'),
        count('conversations'),
        count('documents'),
      ]);
      return { users, conversations, documents };
    },
  };
}

/** The usage statistics repository's shape. */
export type UsageStatsRepository = ReturnType<typeof createUsageStatsRepository>;
