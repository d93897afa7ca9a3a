// Turns the server's hourly buckets into chart categories: hours for a day, days for longer windows.
import type { AdminStats } from '../../../api/types';

type Bucket = AdminStats['usage'][number];

/** Chart-ready usage: short axis labels, full table labels and the summed figures per category. */
export interface UsageSeries {
  perDay: boolean;
  labels: string[];
  fullLabels: string[];
  requests: number[];
  errors: number[];
  promptTokens: number[];
  completionTokens: number[];
}

/** Groups hourly buckets by day when the window is longer than two days. */
export function toSeries(usage: Bucket[], windowHours: number, locale: string): UsageSeries {
  const perDay = windowHours > 48;
  const groups = new Map<string, Bucket[]>();
  for (const bucket of usage) {
    const date = new Date(bucket.hour);
    const key = perDay ? date.toLocaleDateString(locale) : bucket.hour;
    groups.set(key, [...(groups.get(key) ?? []), bucket]);
  }
  const series: UsageSeries = {
    perDay,
    labels: [],
    fullLabels: [],
    requests: [],
    errors: [],
    promptTokens: [],
    completionTokens: [],
  };
  for (const buckets of groups.values()) {
    const first = new Date(buckets[0]!.hour);
    const sum = (key: 'requests' | 'errors' | 'prompt_tokens' | 'completion_tokens') =>
      buckets.reduce((total, bucket) => total + bucket[key], 0);
    series.labels.push(
      perDay
        ? first.toLocaleDateString(locale, { day: 'numeric', month: 'short' })
        : first.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }),
    );
    series.fullLabels.push(
      perDay
        ? first.toLocaleDateString(locale, { dateStyle: 'medium' })
        : first.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }),
    );
    series.requests.push(sum('requests'));
    series.errors.push(sum('errors'));
    series.promptTokens.push(sum('prompt_tokens'));
    series.completionTokens.push(sum('completion_tokens'));
  }
  return series;
}
