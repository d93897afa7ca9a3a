import { describe, expect, it } from 'vitest';
import { ReasoningSplitter } from './reasoning-splitter.js';
import { StopDetector } from './stop-detector.js';

function split(deltas: string[], startsInReasoning = false) {
  const splitter = new ReasoningSplitter(startsInReasoning);
  const pieces = [...deltas.flatMap((delta) => splitter.push(delta)), ...splitter.end()];
  const join = (kind: string) =>
    pieces
      .filter((piece) => piece.kind === kind)
      .map((piece) => piece.text)
      .join('');
  return { reasoning: join('reasoning'), text: join('text') };
}

describe('ReasoningSplitter', () => {
  it('moves a think block split across deltas into reasoning', () => {
    expect(split(['<th', 'ink>Let me', ' think</thi', 'nk>\n\nThe answer', ' is 4.'])).toEqual({
      reasoning: 'Let me think',
      text: 'The answer is 4.',
    });
  });

  it('handles prompts that already opened <think> (DeepSeek-R1 templates)', () => {
    expect(split(['weighing options', '</think>', 'Choose B'], true)).toEqual({
      reasoning: 'weighing options',
      text: 'Choose B',
    });
  });

  it('leaves ordinary answers (and a later <think> mention) untouched', () => {
    expect(split(['Hello ', 'world, <think> is a tag'])).toEqual({
      reasoning: '',
      text: 'Hello world, <think> is a tag',
    });
  });

  it('keeps an unclosed thought as reasoning, never as answer', () => {
    expect(split(['<think>still thinking when cut off'])).toEqual({
      reasoning: 'still thinking when cut off',
      text: '',
    });
  });
});

describe('StopDetector', () => {
  it('stops at a stop string split across deltas and never emits it', () => {
    const detector = new StopDetector(['\nUser:']);
    const emitted = ['Sure.', '\nUs', 'er: more'].map((delta) => detector.push(delta)).join('');
    expect(emitted).toBe('Sure.');
    expect(detector.triggered).toBe(true);
  });

  it('releases held-back text that turned out not to be a stop', () => {
    const detector = new StopDetector(['END']);
    expect(detector.push('the EN')).toBe('the ');
    expect(detector.push('ding')).toBe('ENding');
    expect(detector.flush()).toBe('');
  });
});
