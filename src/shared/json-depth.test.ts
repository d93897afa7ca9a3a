import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value };
  return value;
};

describe('exceedsJsonDepth', () => {
  it('accepts scalars and values up to the limit, refuses one level more', () => {
    expect(exceedsJsonDepth('text')).toBe(false);
    expect(exceedsJsonDepth(null)).toBe(false);
    expect(exceedsJsonDepth({})).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth({ wide: Array.from({ length: 10_000 }, () => ({ x: [1] })) })).toBe(false);
  });

  it('checks a value nested far past the call stack without overflowing', () => {
    expect(exceedsJsonDepth(JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)))).toBe(true);
  });
});
