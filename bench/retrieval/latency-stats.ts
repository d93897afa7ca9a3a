/** Small statistics helpers for latency benchmarks. */

/** Latency summary in milliseconds. */
export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
}

/** The q-quantile of samples (nearest rank). */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** p50, p95 and mean of samples, rounded to 0.01 ms. */
export function summarise(samples: readonly number[]): Latency {
  const round = (value: number) => Math.round(value * 100) / 100;
  const mean = samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length);
  return { p50: round(quantile(samples, 0.5)), p95: round(quantile(samples, 0.95)), mean: round(mean) };
}

/** Runs `body` and returns its result with the elapsed milliseconds. */
export async function timed<T>(body: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await body();
  return { value, ms: performance.now() - started };
}
