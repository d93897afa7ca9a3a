/**
 * Deepest nesting a JSON value from a client may have. Real request bodies and document metadata
 * nest a few levels; thousands of levels only serve to overflow the stack of whatever recursive code
 * (JSON.stringify, the serializer, a validator) touches the value next.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether a parsed JSON value nests objects/arrays deeper than `maxDepth` (a scalar is depth 0, `{}` is 1).
 * Walks with an explicit stack, so checking a value a million levels deep cannot overflow either.
 */
export function exceedsJsonDepth(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) return true;
    for (const child of Object.values(item.value)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth });
    }
  }
  return false;
}
