import type { LlamaModel, Token } from 'node-llama-cpp';

/**
 * Turns generated tokens into text deltas. Decoding the whole answer each time keeps SentencePiece
 * spacing right; a trailing U+FFFD means a multi-byte character is still incomplete, so it waits.
 */
export class TokenTextDecoder {
  private readonly tokens: Token[] = [];
  private emitted = '';

  constructor(private readonly model: LlamaModel) {}

  /** Adds one token and returns the new text it completes (possibly ''). */
  push(token: Token): string {
    this.tokens.push(token);
    const text = this.model.detokenize(this.tokens);
    if (text.endsWith('\uFFFD') || text.length <= this.emitted.length) return '';
    const delta = text.slice(this.emitted.length);
    this.emitted = text;
    return delta;
  }
}
