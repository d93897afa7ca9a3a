import { describe, expect, it } from 'vitest';
import { formatFinding, summarize } from './doctor-checks.js';

describe('doctor summary', () => {
  it('counts errors and warnings and exits 1 only when something blocks chat', () => {
    expect(summarize(['ok', 'ok'])).toEqual({ line: '0 errors, 0 warnings: all checks passed', exitCode: 0 });
    expect(summarize(['ok', 'warning', 'warning'])).toEqual({
      line: '0 errors, 2 warnings: nothing blocks chat; read the warnings',
      exitCode: 0,
    });
    expect(summarize(['warning', 'error'])).toEqual({
      line: '1 error, 1 warning: chat cannot work until that error is fixed',
      exitCode: 1,
    });
    expect(summarize(['error', 'ok', 'error'])).toMatchObject({
      line: '2 errors, 0 warnings: chat cannot work until those errors are fixed',
      exitCode: 1,
    });
  });

  it('spells out the level of every finding that is not ok', () => {
    expect(formatFinding('ok', 'CPU: 2 cores')).toBe('✓ CPU: 2 cores\n');
    expect(formatFinding('warning', 'little RAM free')).toBe('! warning: little RAM free\n');
    expect(formatFinding('error', 'No chat model')).toBe('✗ error: No chat model\n');
  });
});
