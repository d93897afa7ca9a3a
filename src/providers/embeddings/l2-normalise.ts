/**
 * L2-normalises a vector into a new Float32Array. A zero (or non-finite-norm) vector comes back as
 * zeros rather than NaNs, so it scores 0 against everything instead of poisoning comparisons.
 */
export function l2Normalise(values: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  const norm = Math.sqrt(sum);
  const result = new Float32Array(values.length);
  if (norm === 0 || !Number.isFinite(norm)) return result;
  for (let i = 0; i < values.length; i++) result[i] = values[i]! / norm;
  return result;
}
