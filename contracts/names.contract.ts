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
 * lone surrogates (Cs) and the line/paragraph separators (Zl, Zp). Each can hide or disguise what a
 * name says when another user reads it.
 */
export const NAME_FORBIDDEN_CHARACTERS = '\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}';

/** A name: none of the forbidden characters and at least one that is not white space. */
export const NAME_PATTERN = `^[^${NAME_FORBIDDEN_CHARACTERS}]*[^${NAME_FORBIDDEN_CHARACTERS}\\s][^${NAME_FORBIDDEN_CHARACTERS}]*$`;

/** The schema of a name a user gives: documented limit, no control or invisible characters, not blank. */
export const Name = (maxLength: number, description: string) =>
  Type.String({
    minLength: 1,
    maxLength,
    pattern: NAME_PATTERN,
    description: `${description}: 1 to ${maxLength} characters, not blank, no control or invisible formatting characters (trimmed and NFC-normalised)`,
  });
