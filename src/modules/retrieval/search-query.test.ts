import { describe, expect, it } from 'vitest';
import { ftsMatchExpression, queryTerms } from './search-query.js';

describe('search query handling', () => {
  it('drops English and Indonesian stop words but keeps content words', () => {
    expect(queryTerms('What is the budget approval process?')).toEqual(['budget', 'approval', 'process']);
    expect(queryTerms('Apa itu prosedur persetujuan anggaran yang berlaku?')).toEqual([
      'prosedur',
      'persetujuan',
      'anggaran',
      'berlaku',
    ]);
  });

  it('keeps stop words when nothing else is left', () => {
    expect(queryTerms('what is it')).toEqual(['what', 'is', 'it']);
  });

  it('never lets FTS5 syntax through: every term is a quoted plain token', () => {
    const hostile = 'budget" OR title:* NEAR(a b) AND -x ^y {col}: "unterminated';
    const match = ftsMatchExpression(hostile)!;
    for (const part of match.split(' OR ')) expect(part).toMatch(/^"[\p{L}\p{N}]+"$/u);
    expect(ftsMatchExpression('*** ((( ::: ')).toBeUndefined();
  });
});
