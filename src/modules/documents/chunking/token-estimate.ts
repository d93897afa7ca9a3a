/**
 * A tokenizer-free token estimate, used to size chunks when no embedding model (with its own
 * tokenizer) is loaded. Calibrated to over- rather than under-count BPE/WordPiece tokens: every
 * word costs one token plus one per 4 letters beyond the first 4, every other symbol one token.
 */
const PIECE = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** Estimated tokens in a text. */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PIECE)) {
    const length = match[0].length;
    tokens += length <= 4 ? 1 : 1 + Math.ceil((length - 4) / 4);
  }
  return tokens;
}

/** Counts tokens of a text; an embedding model's tokenizer or the estimate. */
export type TokenCounter = (text: string) => number;
