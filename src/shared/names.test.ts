import { describe, expect, it } from 'vitest';
import { NAME_PATTERN } from '../../contracts/names.contract.js';
import { AppError } from './errors.js';
import { nameFromText, normalizeName } from './names.js';

const refusal = (value: string, max = 10) => {
  try {
    normalizeName(value, 'name', max);
  } catch (error) {
    return error instanceof AppError ? [error.code, error.details?.field, error.message] : error;
  }
  return undefined;
};

describe('normalizeName', () => {
  it('trims and NFC-normalises, so one name typed two ways is one name', () => {
    expect(normalizeName('  Cafe\u0301  ', 'name', 10)).toBe('Caf\u00e9');
    expect(normalizeName('Финансы 財務 🎉', 'name', 20)).toBe('Финансы 財務 🎉');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['escape', '\u001b[31mred'],
    ['newline inside', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['right-to-left override', 'invoice\u202Efdp.exe'],
    ['bidi isolate', 'a\u2066b'],
    ['zero-width space', 'ad\u200Bmin'],
    ['zero-width joiner', 'a\u200Db'],
    ['word joiner', 'a\u2060b'],
    ['BOM', '\uFEFFname'],
    ['soft hyphen', 'a\u00ADb'],
    ['tag character', 'a\u{E0041}b'],
    ['lone surrogate', 'a\uD800b'],
    ['line separator', 'a\u2028b'],
  ])('refuses a %s', (_kind, value) => {
    expect(refusal(value)).toEqual([
      'VALIDATION_ERROR',
      'name',
      'name must not contain control or invisible formatting characters',
    ]);
  });

  it('refuses empty and blank names, and names over the limit counted in characters', () => {
    for (const blank of ['', '   ', '\u3000\u00a0 ']) {
      expect(refusal(blank)).toEqual(['VALIDATION_ERROR', 'name', 'name must not be empty']);
    }
    expect(refusal('x'.repeat(11))).toEqual([
      'VALIDATION_ERROR',
      'name',
      'name must be at most 10 characters',
    ]);
    expect(normalizeName('🎉'.repeat(10), 'name', 10)).toBe('🎉'.repeat(10));
  });

  it('agrees with the schema pattern the API documents', () => {
    const pattern = new RegExp(NAME_PATTERN, 'u');
    for (const value of [
      'ok',
      ' padded ',
      'Caf\u00e9',
      'a\u0000b',
      'a\u202Eb',
      '   ',
      '\u200B',
      'a\uD800b',
    ]) {
      const accepted = refusal(value, 100) === undefined;
      expect([value, pattern.test(value)]).toEqual([value, accepted]);
    }
  });
});

describe('nameFromText', () => {
  it('turns hidden characters and line breaks into single spaces', () => {
    expect(nameFromText(' What\u202E is\u0000 this?\r\n ')).toBe('What is this?');
    expect(nameFromText('\u200B\u0000')).toBe('');
  });
});
