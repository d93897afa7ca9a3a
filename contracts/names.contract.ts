import { Type } from '@sinclair/typebox';

/**
 * Longest name of each kind a user can give, in Unicode code points after NFC normalisation and
 * trimming. The API documents them through the schemas below; the services check them again after
 * normalising (NFC can change the length).
 */
export const NAME_MAX_LENGTH = {
  workspace: 200,
  chatTitle: 300,
  prompt: 200,
  apiKey: 200,
  displayName: 200,
} as const;

/**
 * Characters no name may contain, as a regular-expression class body (Unicode mode): controls (Cc:
 * NUL, escape, newlines, tabs…), invisible format characters (Cf: zero-width space/joiners, bidi
 * embeddings, overrides such as U+202E and isolates, word joiner, BOM, soft hyphen, tag characters),
 * lone surrogates (Cs), private-use (Co) and unassigned code points and noncharacters (Cn), the
 * line/paragraph separators (Zl, Zp), and the invisible letters listed below. Each can hide or
 * disguise what a name says when another user reads it.
 */
export const NAME_FORBIDDEN_CHARACTERS =
  '\\p{Cc}\\p{Cf}\\p{Cs}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}' +
  // Default-ignorable letters and marks that render as nothing (Hangul fillers, the combining
  // grapheme joiner, Khmer inherent vowels, Mongolian variation selectors) and the blank braille
  // pattern. Emoji variation selectors (U+FE00–U+FE0F) stay allowed: ❤️ needs one.
  '\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u2800\\u3164\\uFFA0';

/** A name: none of the forbidden characters and at least one visible one (not white space, not a lone mark). */
export const NAME_PATTERN = `^[^${NAME_FORBIDDEN_CHARACTERS}]*[^${NAME_FORBIDDEN_CHARACTERS}\\s\\p{M}][^${NAME_FORBIDDEN_CHARACTERS}]*$`;

/**
 * How many code points the schema lets through before the service normalises: NFC and trimming
 * can shorten a name (e + U+0301 → é), so the documented limit is checked after them and the
 * schema's bound is only a guard against huge input.
 */
const RAW_LENGTH_FACTOR = 4;

/** The schema of a name a user gives: documented limit, no control or invisible characters, not blank. */
export const Name = (maxLength: number, description: string) =>
  Type.String({
    minLength: 1,
    maxLength: maxLength * RAW_LENGTH_FACTOR,
    pattern: NAME_PATTERN,
    description: `${description}: 1 to ${maxLength} characters after NFC and trimming, not blank, no control or invisible formatting characters (trimmed and NFC-normalised)`,
  });
