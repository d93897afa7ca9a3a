/**
 * Separates a reasoning model's `<think>…</think>` part from its answer while streaming
 * (seed 001's output formatter), so the thinking never mixes into the answer.
 */
export interface SplitPiece {
  readonly kind: 'text' | 'reasoning';
  readonly text: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/** Stateful splitter; feed deltas in order, then call end(). */
export class ReasoningSplitter {
  private state: 'start' | 'reasoning' | 'answer';
  private buffer = '';

  /** `startsInReasoning`: the prompt already opened `<think>` (some R1 templates do). */
  constructor(startsInReasoning = false) {
    this.state = startsInReasoning ? 'reasoning' : 'start';
  }

  /** Consumes a delta and returns the pieces that are certain so far. */
  push(delta: string): SplitPiece[] {
    this.buffer += delta;
    const pieces: SplitPiece[] = [];
    for (;;) {
      if (this.state === 'answer') {
        if (this.buffer) pieces.push({ kind: 'text', text: this.buffer });
        this.buffer = '';
        return pieces;
      }
      if (this.state === 'start') {
        const trimmed = this.buffer.trimStart();
        if (trimmed.startsWith(OPEN)) {
          this.buffer = trimmed.slice(OPEN.length);
          this.state = 'reasoning';
          continue;
        }
        if (trimmed.length === 0 || OPEN.startsWith(trimmed)) return pieces;
        this.state = 'answer';
        continue;
      }
      const close = this.buffer.indexOf(CLOSE);
      if (close >= 0) {
        const thought = this.buffer.slice(0, close);
        if (thought) pieces.push({ kind: 'reasoning', text: thought });
        this.buffer = this.buffer.slice(close + CLOSE.length).replace(/^\s+/, '');
        this.state = 'answer';
        continue;
      }
      const keep = partialSuffix(this.buffer, CLOSE);
      const certain = this.buffer.slice(0, this.buffer.length - keep);
      if (certain) pieces.push({ kind: 'reasoning', text: certain });
      this.buffer = this.buffer.slice(certain.length);
      return pieces;
    }
  }

  /** Flushes what is left: an unclosed thought stays reasoning; held-back text becomes answer. */
  end(): SplitPiece[] {
    const rest = this.buffer;
    this.buffer = '';
    if (!rest) return [];
    return [{ kind: this.state === 'reasoning' ? 'reasoning' : 'text', text: rest }];
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `marker`. */
export function partialSuffix(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}
