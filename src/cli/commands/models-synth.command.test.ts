import { describe, expect, it } from 'vitest';
import { describeSizeMatch } from './models-synth.command.js';

const QWEN_05B_BYTES = 397_807_360;

describe('describeSizeMatch (models synth)', () => {
  it('says plainly that a byte-identical size matches the real release', () => {
    const sentence = describeSizeMatch(QWEN_05B_BYTES, QWEN_05B_BYTES, true);
    expect(sentence).toBe('379.4 MiB, byte for byte the size of the real release (397,807,360 bytes).');
    expect(sentence).not.toMatch(/0\.00|%/);
  });

  it('names a difference from an exact release size in bytes, percent and direction', () => {
    expect(describeSizeMatch(QWEN_05B_BYTES + 123_000, QWEN_05B_BYTES, true)).toBe(
      '379.5 MiB, 120.1 KiB (0.03 %) larger than the real release (397,807,360 bytes).',
    );
    // A difference too small for two decimals is still a difference, never "0.00 %".
    expect(describeSizeMatch(QWEN_05B_BYTES - 2048, QWEN_05B_BYTES, true)).toBe(
      '379.4 MiB, 2.0 KiB (under 0.01 %) smaller than the real release (397,807,360 bytes).',
    );
  });

  it('calls a size within 1 % of a rounded published figure a match, and says why no closer', () => {
    // The DeepSeek R1 distill shape: 1,117,320,800 bytes against a published "1.12 GB".
    expect(describeSizeMatch(1_117_320_800, 1_120_000_000, false)).toBe(
      '1.0 GiB, the size of the real release to within 1.0 % ' +
        '(published as about 1.0 GiB, a rounded figure that allows no closer check).',
    );
  });

  it('says how far and which way a size misses a rounded published figure', () => {
    expect(describeSizeMatch(70_350_000, 67_000_000, false)).toBe(
      '67.1 MiB, 5.0 % larger than the real release (published as about 63.9 MiB).',
    );
    expect(describeSizeMatch(60_300_000, 67_000_000, false)).toMatch(/^57\.5 MiB, 10\.0 % smaller than/);
  });
});
