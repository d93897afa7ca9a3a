import { NAME_FORBIDDEN_CHARACTERS } from '../../contracts/names.contract.js';
import { errors } from './errors.js';

/** The documented longest name of each kind (defined with the API schemas that publish it). */
export { NAME_MAX_LENGTH } from '../../contracts/names.contract.js';

const FORBIDDEN = new RegExp(`[${NAME_FORBIDDEN_CHARACTERS}]`, 'u');
const FORBIDDEN_ALL = new RegExp(`[${NAME_FORBIDDEN_CHARACTERS}]+`, 'gu');
/** A character someone reading the name can see: not white space, not a forbidden or combining one. */
const VISIBLE = new RegExp(`[^${NAME_FORBIDDEN_CHARACTERS}\\s\\p{M}]`, 'u');

/**
 * The one way a name a user gives (workspace, chat title, system prompt, API key, display name) is
 * accepted: NFC-normalised (so "é" typed two ways is one name, and uniqueness checks agree), trimmed,
 * then refused with VALIDATION_ERROR naming `field` if it holds a control or invisible formatting
 * character, is empty, or is longer than `maxLength` code points.
 */
export function normalizeName(value: string, field: string, maxLength: number): string {
  // Checked before trimming: trim() would quietly drop a leading BOM or newline the schema refuses.
  const normalized = value.normalize('NFC');
  if (FORBIDDEN.test(normalized))
    throw errors.validation(`${field} must not contain control or invisible formatting characters`, field);
  const name = normalized.trim();
  if (!VISIBLE.test(name)) throw errors.validation(`${field} must not be empty`, field);
  if ([...name].length > maxLength)
    throw errors.validation(`${field} must be at most ${maxLength} characters`, field);
  return name;
}

/**
 * A name made from text the user did not give as a name (a chat titled after its first question):
 * forbidden characters become spaces, runs of white space one space, NFC, trimmed. May be empty.
 */
export function nameFromText(text: string): string {
  return text.normalize('NFC').replace(FORBIDDEN_ALL, ' ').replace(/\s+/gu, ' ').trim();
}
