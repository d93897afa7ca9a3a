// Axis arithmetic for the hand-drawn charts.

/** A "nice" upper bound and tick step (1, 2 or 5 times a power of ten) for values up to `max`; whole steps for counts. */
export function niceScale(max: number, ticks = 4, integer = false): { max: number; step: number } {
  if (max <= 0) return { max: ticks, step: 1 };
  const raw = integer ? Math.max(1, max / ticks) : max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= raw) ?? raw;
  const rounded = Math.max(step, Math.round(step * 1e6) / 1e6);
  return { max: Math.ceil(max / rounded) * rounded, step: rounded };
}

/** Indexes of at most `count` evenly spread labels (always the first). */
export function labelIndexes(length: number, count: number): Set<number> {
  const every = Math.max(1, Math.ceil(length / count));
  const indexes = new Set<number>();
  for (let index = 0; index < length; index += every) indexes.add(index);
  return indexes;
}
